#include "substitution.hpp"

#include <initializer_list>
#include <optional>

#include "step_outcome.hpp"

namespace scenario {
namespace {

constexpr std::string_view work_token = "$WORK";
constexpr std::string_view bin_token = "$BIN";
constexpr std::string_view port_token = "$PORT(";
constexpr std::string_view pub_port_token = "$PUBPORT(";

// A $PORT(NAME) or $PUBPORT(NAME) starting at `at`, with its length.
struct PortToken {
  PortReference reference;
  std::size_t length = 0;
};

std::optional<PortToken> port_token_at(std::string_view text, std::size_t at) {
  const std::string_view rest = text.substr(at);
  for (const auto& [token, is_pub] : {std::pair{port_token, false}, std::pair{pub_port_token, true}}) {
    if (!rest.starts_with(token)) continue;
    const std::size_t close = rest.find(')', token.size());
    if (close == std::string_view::npos) return std::nullopt;
    const std::string_view name = rest.substr(token.size(), close - token.size());
    return PortToken{{std::string(name), is_pub}, close + 1};
  }
  return std::nullopt;
}

std::string escape_for_regex(std::string_view value) {
  std::string escaped;
  for (const char c : value) {
    if (std::string_view("\\^$.|?*+()[]{}/").find(c) != std::string_view::npos) escaped += '\\';
    escaped += c;
  }
  return escaped;
}

std::string port_value(const PortReference& reference, const PortBook& ports) {
  const ProcessPorts* found = ports.find(reference.name);
  const std::string token = std::string(reference.pub_port ? "$PUBPORT(" : "$PORT(") + reference.name + ")";
  if (found == nullptr) throw StepFailure(token + ": process " + reference.name + " has no port yet");
  if (!reference.pub_port) return std::to_string(found->port);
  if (!found->pub_port) throw StepFailure(token + ": only trackers have a PUB port");
  return std::to_string(*found->pub_port);
}

}  // namespace

std::vector<PortReference> find_port_references(std::string_view text) {
  std::vector<PortReference> references;
  for (std::size_t at = text.find('$'); at != std::string_view::npos; at = text.find('$', at + 1)) {
    if (auto token = port_token_at(text, at)) references.push_back(std::move(token->reference));
  }
  return references;
}

std::string substitute(std::string_view text, const SubstitutionValues& values,
                       SubstitutionTarget target) {
  const auto as_target = [target](std::string_view value) {
    return target == SubstitutionTarget::regex ? escape_for_regex(value) : std::string(value);
  };
  std::string result;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::string_view rest = text.substr(at);
    if (rest.starts_with(work_token)) {
      result += as_target(values.work);
      at += work_token.size();
    } else if (rest.starts_with(bin_token)) {
      result += as_target(values.bin);
      at += bin_token.size();
    } else if (auto token = port_token_at(text, at); token && values.ports != nullptr) {
      result += port_value(token->reference, *values.ports);
      at += token->length;
    } else {
      result += text[at++];
    }
  }
  return result;
}

}  // namespace scenario
