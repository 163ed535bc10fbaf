// FormData::decode on arbitrary bytes: it must not crash, and what it decodes must survive
// encode() and a second decode unchanged, because the service re-encodes bodies (the simulator
// signs what it sends) and the signature covers every decoded name and value.

#include "FuzzCheck.h"
#include "twilio/FormData.h"

#include <cstddef>
#include <cstdint>

using namespace Switchboard;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray body(reinterpret_cast<const char *>(data), qsizetype(size));
    const FormData form = FormData::decode(body);

    const QByteArray encoded = form.encode();
    const FormData again = FormData::decode(encoded);
    Fuzz::require(again.items() == form.items(), "decode(encode(items)) == items");
    // encode() is canonical: a second round produces the same bytes.
    Fuzz::require(again.encode() == encoded, "encode is stable");
    // The body a form encodes to never needs '+' translation or raw separators in a value.
    Fuzz::require(!encoded.contains(' ') && !encoded.contains('+'), "encoded body has no ' '/'+'");

    for (const auto &[name, value] : form.items()) {
        Fuzz::require(form.contains(name), "contains() finds every decoded name");
        (void)value;
    }
    return 0;
}
