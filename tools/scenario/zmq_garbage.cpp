#include "zmq_garbage.hpp"

#include "actors/curve.hpp"

#include <chrono>
#include <string>
#include <vector>
#include <zmq.hpp>
#include <zmq_addon.hpp>

namespace scenario {
namespace {

using Message = std::vector<std::string>;  // one string per frame

constexpr auto reply_drain_time = std::chrono::milliseconds(1000);
constexpr auto subscription_delivery_time = std::chrono::milliseconds(300);

std::vector<Message> malformed_messages(RandomEngine& engine) {
  Message twenty_frames;
  for (int i = 0; i < 20; ++i) twenty_frames.push_back(random_string(engine, 1 + engine() % 100));
  return {
      {random_string(engine, 64)},
      {std::string()},
      {std::string(), std::string()},
      twenty_frames,
      {random_string(engine, 2 << 20)},
      // msgpack: [255, 2^32-1, str32 claiming 4 GiB that never comes]
      {std::string("\x93\xcc\xff\xce\xff\xff\xff\xff\xdb\xff\xff\xff\xff", 13)},
      // msgpack: a map header claiming 2^32-1 entries (an allocation bomb)
      {std::string("\x93\x01\x01\xdf\xff\xff\xff\xff", 8)},
      // msgpack: arrays nested 100000 deep (a recursion bomb)
      {std::string(100000, '\x91')},
      // a plausible envelope followed by an unexpected bulk frame
      {std::string("\x93\x01\x01\x80", 4), random_string(engine, 4096)},
  };
}

zmq::socket_t short_lived_socket(zmq::context_t& context, zmq::socket_type type, const std::string& server_key = {}) {
  zmq::socket_t socket(context, type);
  socket.set(zmq::sockopt::linger, 0);
  socket.set(zmq::sockopt::sndtimeo, 1000);
  if (!server_key.empty()) {
    p2p::actors::Security security{p2p::actors::generate_curve_keys()};
    p2p::actors::make_client(socket, security, server_key);
  }
  return socket;
}

bool send_message(zmq::socket_t& socket, const Message& message) {
  for (std::size_t i = 0; i < message.size(); ++i) {
    const auto flags = i + 1 < message.size() ? zmq::send_flags::sndmore : zmq::send_flags::none;
    if (!socket.send(zmq::buffer(message[i]), flags)) return false;
  }
  return true;
}

// Gives the I/O thread time to deliver what was queued and counts replies.
int drain_replies(std::vector<zmq::socket_t>& sockets, std::chrono::milliseconds duration) {
  int replies = 0;
  const auto deadline = std::chrono::steady_clock::now() + duration;
  std::vector<zmq::pollitem_t> items;
  for (auto& socket : sockets) items.push_back({socket.handle(), 0, ZMQ_POLLIN, 0});
  for (auto now = std::chrono::steady_clock::now(); now < deadline; now = std::chrono::steady_clock::now()) {
    zmq::poll(items, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now));
    for (std::size_t i = 0; i < items.size(); ++i) {
      if ((items[i].revents & ZMQ_POLLIN) == 0) continue;
      std::vector<zmq::message_t> reply;
      if (zmq::recv_multipart(sockets[i], std::back_inserter(reply), zmq::recv_flags::dontwait)) ++replies;
    }
  }
  return replies;
}

std::string endpoint(std::uint16_t port) { return "tcp://127.0.0.1:" + std::to_string(port); }

}  // namespace

void send_dealer_garbage(std::uint16_t port, const std::string& server_key, RandomEngine& engine,
                         GarbageTally& tally) {
  try {
    zmq::context_t context(1);
    std::vector<zmq::socket_t> dealers;
    for (const Message& message : malformed_messages(engine)) {
      zmq::socket_t dealer = short_lived_socket(context, zmq::socket_type::dealer, server_key);
      dealer.connect(endpoint(port));
      ++tally.connections;
      if (send_message(dealer, message)) ++tally.messages_sent;
      dealers.push_back(std::move(dealer));
    }
    tally.replies_received += drain_replies(dealers, reply_drain_time);
  } catch (const zmq::error_t& error) {
    tally.problems.push_back(std::string("ZeroMQ DEALER to ") + endpoint(port) + ": " + error.what());
  }
}

void send_subscription_garbage(std::uint16_t pub_port, const std::string& server_key, RandomEngine& engine,
                               GarbageTally& tally) {
  try {
    zmq::context_t context(1);
    zmq::socket_t subscriber = short_lived_socket(context, zmq::socket_type::sub, server_key);
    subscriber.connect(endpoint(pub_port));
    ++tally.connections;
    subscriber.set(zmq::sockopt::subscribe, random_string(engine, 64 * 1024));
    for (int i = 0; i < 500; ++i) subscriber.set(zmq::sockopt::subscribe, random_string(engine, 1 + engine() % 32));
    subscriber.set(zmq::sockopt::unsubscribe, "never subscribed");
    std::vector<zmq::socket_t> sockets;
    sockets.push_back(std::move(subscriber));
    drain_replies(sockets, subscription_delivery_time);
  } catch (const zmq::error_t& error) {
    tally.problems.push_back(std::string("ZeroMQ SUB to ") + endpoint(pub_port) + ": " + error.what());
  }
}

}  // namespace scenario
