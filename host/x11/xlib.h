#pragma once
// The X11 headers host/x11 uses, included once. Xlib defines `Status` as a macro, which would
// clash with telemaint::Status; the X11 declarations are complete here, so it is undefined.
#include <X11/XKBlib.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/XShm.h>
#include <X11/extensions/XTest.h>
#include <X11/extensions/Xdamage.h>
#include <X11/extensions/Xfixes.h>
#include <X11/extensions/Xrandr.h>
#include <X11/keysym.h>
#include <sys/shm.h>

#undef Status
