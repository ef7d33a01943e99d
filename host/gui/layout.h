#pragma once
// Where things are in the host's windows, in pixels from each window's top left: the windows
// use it, and so do the tests that click them the way a person would.
namespace telemaint::host::gui::layout {

struct Rect {
  int x, y, w, h;
  int cx() const { return x + w / 2; }
  int cy() const { return y + h / 2; }
};

// The small window with the code.
inline constexpr int kMainW = 480, kMainH = 260;
inline constexpr Rect kYourCode{20, 12, 440, 24};
inline constexpr Rect kCode{20, 40, 440, 60};
inline constexpr Rect kValidFor{20, 100, 440, 22};
// In place of the code and its time when there is no code: what is happening instead.
inline constexpr Rect kCodeMessage{20, 40, 440, 82};
inline constexpr Rect kReadIt{20, 126, 440, 40};
inline constexpr Rect kStatus{20, 172, 300, 76};
inline constexpr Rect kNewCode{330, 208, 130, 34};

// The question.
inline constexpr int kDialogW = 560, kDialogH = 310;
inline constexpr Rect kIntro{20, 14, 520, 24};
inline constexpr Rect kName{20, 44, 520, 36};
inline constexpr Rect kOrganisation{20, 82, 520, 30};
inline constexpr Rect kAccountKey{20, 114, 520, 20};
inline constexpr Rect kRequest{20, 142, 520, 44};
inline constexpr Rect kCountdown{20, 192, 520, 24};
inline constexpr Rect kAllow{20, 250, 200, 40};
inline constexpr Rect kViewOnly{230, 250, 130, 40};
inline constexpr Rect kDeny{370, 250, 170, 40};  // or "Keep view only"

// The banner at the top of the screen during a session.
inline constexpr int kBannerW = 828, kBannerH = 44;
inline constexpr Rect kBannerText{10, 0, 280, 44};
inline constexpr Rect kBannerChat{296, 6, 96, 32};       // opens the session panel
inline constexpr Rect kBannerSendFile{398, 6, 160, 32};  // a file chooser, then the panel
inline constexpr Rect kBannerSwitch{564, 6, 170, 32};    // View only / Allow control
inline constexpr Rect kBannerStop{740, 6, 80, 32};

// The session panel under the banner (gui/session_panel.h): chat, transfers, clipboard.
inline constexpr int kPanelW = 520, kPanelH = 392;
inline constexpr Rect kPanelChatInput{10, 248, 390, 30};
inline constexpr Rect kFileAccept{10, 104, 160, 34};
inline constexpr Rect kFileRefuse{350, 104, 160, 34};

}  // namespace telemaint::host::gui::layout
