#pragma once
// $WORK, $BIN, $PORT(NAME) and $PUBPORT(NAME) in a step's text.
// Any other '$' is left alone, so regex anchors like /done$/ keep working.

#include <string>
#include <string_view>
#include <vector>

#include "port_book.hpp"

namespace scenario {

struct PortReference {
  std::string name;
  bool pub_port = false;  // $PUBPORT(NAME) rather than $PORT(NAME)
};

// Every $PORT(...) / $PUBPORT(...) in text, for checking names before the run.
std::vector<PortReference> find_port_references(std::string_view text);

struct SubstitutionValues {
  std::string work;
  std::string bin;
  const PortBook* ports = nullptr;
};

// In a regex a substituted path must match itself, not act as a pattern
// (a work dir name holds '.'), so values are escaped there.
enum class SubstitutionTarget { plain_text, regex };

// Throws StepFailure when a name has no port.
std::string substitute(std::string_view text, const SubstitutionValues& values,
                       SubstitutionTarget target);

}  // namespace scenario
