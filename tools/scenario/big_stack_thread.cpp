#include "big_stack_thread.hpp"

#include <pthread.h>

namespace scenario {
namespace {

struct Call {
  const std::function<int()>* body;
  int result = 0;
};

void* run_call(void* argument) {
  auto* call = static_cast<Call*>(argument);
  call->result = (*call->body)();
  return nullptr;
}

}  // namespace

int run_on_big_stack(const std::function<int()>& body) {
  Call call{&body};
  pthread_attr_t attributes;
  pthread_t thread;
  const bool created = pthread_attr_init(&attributes) == 0 &&
                       pthread_attr_setstacksize(&attributes, big_stack_bytes) == 0 &&
                       pthread_create(&thread, &attributes, run_call, &call) == 0;
  pthread_attr_destroy(&attributes);
  if (!created) return body();
  pthread_join(thread, nullptr);
  return call.result;
}

}  // namespace scenario
