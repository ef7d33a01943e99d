#!/usr/bin/perl
# A third-party VNC client (Perl's Net::VNC) sending keyboard and mouse events, for end-to-end
# tests. Usage: vnc_input.pl PORT COMMAND...
#   move X Y | click X Y | drag X1 Y1 X2 Y2 | wheel X Y up|down
#   text STRING (each character as its keysym, pressed and released) | key HEX | down HEX
#   pause MS
use strict;
use warnings;
use Net::VNC;
use Time::HiRes qw(usleep);

my $port = shift @ARGV;
my $vnc = Net::VNC->new({ hostname => '127.0.0.1', port => $port });
$vnc->depth(24);
$vnc->login;
my ($x, $y) = (0, 0);
sub pointer { my ($mask) = @_; $vnc->send_pointer_event($mask, $x, $y); usleep(20000); }
while (@ARGV) {
  my $cmd = shift @ARGV;
  if ($cmd eq 'move') { ($x, $y) = (shift @ARGV, shift @ARGV); pointer(0); }
  elsif ($cmd eq 'click') { ($x, $y) = (shift @ARGV, shift @ARGV); pointer(0); pointer(1); pointer(0); }
  elsif ($cmd eq 'drag') {
    ($x, $y) = (shift @ARGV, shift @ARGV); pointer(0); pointer(1);
    my ($tx, $ty) = (shift @ARGV, shift @ARGV);
    for my $i (1 .. 10) { $x += ($tx - $x) / (11 - $i); $y += ($ty - $y) / (11 - $i); pointer(1); }
    ($x, $y) = ($tx, $ty); pointer(1); pointer(0);
  }
  elsif ($cmd eq 'wheel') {
    ($x, $y) = (shift @ARGV, shift @ARGV);
    my $mask = (shift @ARGV) eq 'up' ? 8 : 16;
    pointer(0); pointer($mask); pointer(0);
  }
  elsif ($cmd eq 'text') { $vnc->send_key_event(ord $_) for split //, shift @ARGV; }
  elsif ($cmd eq 'key') { $vnc->send_key_event(hex shift @ARGV); }
  elsif ($cmd eq 'down') { $vnc->send_key_event_down(hex shift @ARGV); }
  elsif ($cmd eq 'pause') { usleep(1000 * shift @ARGV); }
  else { die "unknown command $cmd"; }
  usleep(10000);
}
$vnc->socket->flush;
usleep(200000);  # let the last events leave before the connection closes
