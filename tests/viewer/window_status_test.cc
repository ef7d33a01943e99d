// What the technician's window says beside its menu, state by state, and the code field of
// the connect dialog: grouped as typed, checked before any password is asked.
#include "viewer/window_status.h"

#include <gtest/gtest.h>

#include "viewer/connect_dialog.h"

namespace telemaint::viewer {
namespace {

using peer::ConsentState;
using namespace std::chrono_literals;

TEST(WindowStatusTest, ProgressThenTheCustomersAnswerWithHowLongTheyHaveBeenAsked) {
  WindowStatus status;
  const auto t0 = WindowStatus::Clock::now();
  status.Said("Logging in and joining the customer's session…");
  EXPECT_EQ(status.Now(t0).text, "Logging in and joining the customer's session…");
  EXPECT_EQ(status.Now(t0).tone, StatusTone::kProgress);
  status.Customer(ConsentState::kAsking, t0);
  StatusLine waiting = status.Now(t0 + 102s);
  EXPECT_EQ(waiting.tone, StatusTone::kWaiting);
  EXPECT_EQ(waiting.text.rfind("Waiting for the customer's answer (1:42)", 0), 0u) << waiting.text;
  status.Customer(ConsentState::kControl, t0 + 110s);
  EXPECT_EQ(status.Now(t0 + 111s).tone, StatusTone::kControl);
}

TEST(WindowStatusTest, ARequestForControlTheCustomerRefusesIsSaidSo) {
  WindowStatus status;
  const auto now = WindowStatus::Clock::now();
  status.Customer(ConsentState::kViewOnly, now);
  EXPECT_NE(status.Now(now).text.find("View only, the customer's choice"), std::string::npos);
  EXPECT_NE(status.Now(now).text.find("Session > Ask the customer for control"), std::string::npos);
  status.AskedForControl();
  EXPECT_EQ(status.Now(now).text, "Asking the customer for control…");
  status.Customer(ConsentState::kAsking, now);  // the host asks them
  EXPECT_EQ(status.Now(now + 5s).text.rfind("Asking the customer for control (0:05)", 0), 0u)
      << status.Now(now + 5s).text;
  status.Customer(ConsentState::kViewOnly, now);  // the answer: still view only
  EXPECT_EQ(status.Now(now).text,
            "Your request for control was declined: you can still see the screen.");
  status.Customer(ConsentState::kViewOnly, now);  // a later change is not a refusal again
  EXPECT_NE(status.Now(now).text.find("View only, the customer's choice"), std::string::npos);
}

TEST(WindowStatusTest, TheEndingSaysWhatToDoNextAndNothingLaterReplacesIt) {
  WindowStatus status;
  const auto now = WindowStatus::Clock::now();
  status.Customer(ConsentState::kControl, now);
  status.Said("The session ended: the customer ended the session.");
  status.Ended();
  status.Said("Cancelled.");
  StatusLine ended = status.Now(now);
  EXPECT_EQ(ended.tone, StatusTone::kEnded);
  EXPECT_EQ(ended.text,
            "The session ended: the customer ended the session. To help again, ask the customer "
            "for the new code on their screen.");
}

TEST(ConnectCodeTest, DigitsAreGroupedInFoursAsTyped) {
  EXPECT_EQ(GroupCodeDigits(""), "");
  EXPECT_EQ(GroupCodeDigits("1234"), "1234");
  EXPECT_EQ(GroupCodeDigits("12345"), "1234 5");
  EXPECT_EQ(GroupCodeDigits("1234-5678 9012"), "1234 5678 9012");
  EXPECT_EQ(GroupCodeDigits("1234 5678 90123"), "1234 5678 9012") << "at most 12 digits";
  EXPECT_EQ(GroupCodeDigits("12a34"), "1234") << "only digits";
}

TEST(ConnectCodeTest, TheCheckDigitCatchesATypoBeforeAnythingIsSent) {
  EXPECT_EQ(CheckCodeDigits("1234 5678 901"), CodeCheck::kIncomplete);
  EXPECT_EQ(CheckCodeDigits("1234 5678 9018"), CodeCheck::kValid);
  EXPECT_EQ(CheckCodeDigits("1234 5678 9012"), CodeCheck::kWrongDigit);
  EXPECT_EQ(CheckCodeDigits("1234 5687 9018"), CodeCheck::kWrongDigit) << "two digits swapped";
}

}  // namespace
}  // namespace telemaint::viewer
