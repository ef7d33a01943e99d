#include "host/open_question.h"

#include "host/terminal_texts.h"

namespace telemaint::host {

using namespace net;

asio::awaitable<ConsentAnswer> OpenQuestion::Wait(AnswerTime time, bool from_view_only,
                                                  const Say& say) {
  asio::steady_timer timer(co_await asio::this_coro::executor, time.real());
  timer_ = &timer;
  answer_.reset();
  withdrawn_ = false;
  error_code ec;
  co_await timer.async_wait(Nothrow(ec));  // cancelled by an answer or a withdrawal
  timer_ = nullptr;
  ConsentAnswer answer;
  if (answer_) {
    answer.permission = *answer_;
  } else {
    answer.timed_out = true;
    if (!withdrawn_) say(from_view_only ? Said().no_answer_view_only : Said().no_answer_denied);
  }
  co_return answer;
}

void OpenQuestion::Answer(Permission permission) {
  if (!timer_) return;
  answer_ = permission;
  timer_->cancel();
}

void OpenQuestion::Withdraw() {
  if (!timer_) return;
  withdrawn_ = true;
  timer_->cancel();
}

void OpenQuestion::NobodyCanAnswer() {
  if (timer_) timer_->cancel();
}

}  // namespace telemaint::host
