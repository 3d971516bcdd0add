#include "garbage_sender.hpp"

#include "raw_tcp_garbage.hpp"
#include "zmq_garbage.hpp"

namespace scenario {

GarbageTally send_garbage(const GarbageTarget& target, RandomEngine& engine) {
  GarbageTally tally;
  send_raw_tcp_garbage(target.port, hostile_tcp_payloads(engine), tally);
  send_dealer_garbage(target.port, target.key, engine, tally);
  if (target.pub_port) {
    send_raw_tcp_garbage(*target.pub_port, hostile_tcp_payloads(engine), tally);
    send_subscription_garbage(*target.pub_port, target.key, engine, tally);
  }
  if (target.repl_port) {
    send_raw_tcp_garbage(*target.repl_port, hostile_tcp_payloads(engine), tally);
    send_dealer_garbage(*target.repl_port, target.key, engine, tally);
  }
  return tally;
}

}  // namespace scenario
