#pragma once
// A value or the reason there is none. Decoding and parsing return this
// instead of throwing, because bad input from the network or a user is data,
// not an exceptional event.
#include <string>
#include <utility>
#include <variant>

namespace p2p {

struct Failure {
    std::string reason;
};

template <class T>
class Result {
public:
    Result(T value) : v_(std::move(value)) {}
    Result(Failure f) : v_(std::move(f)) {}

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    const std::string& error() const { return std::get<1>(v_).reason; }

private:
    std::variant<T, Failure> v_;
};

inline Failure fail(std::string reason) { return Failure{std::move(reason)}; }

}  // namespace p2p
