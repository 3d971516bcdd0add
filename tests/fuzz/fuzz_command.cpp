// decode_command: the journal payload decoder, on any bytes.
#include "fuzz_command.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    fuzz::check_command(fuzz::as_text(data, size));
    return 0;
}
