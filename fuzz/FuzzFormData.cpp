// FormData::decodeStrict, the parser the service runs on every webhook body, on arbitrary bytes:
// it must not crash; what it refuses comes with a reason; what it accepts holds only what
// Twilio sends (the signature runs names and values together, so a name must be letters and
// digits) and reads as the lenient decode() would; and the body the simulator would sign and
// send for an accepted form, encode(), is accepted again with the same names and values.

#include "FuzzCheck.h"
#include "twilio/FormData.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>

using namespace Switchboard;

namespace {

bool isTwilioName(const QString &name)
{
    return !name.isEmpty() && name.front().isLetter() && name.front().unicode() < 0x80 &&
           std::all_of(name.begin(), name.end(),
                       [](QChar c) { return c.unicode() < 0x80 && c.isLetterOrNumber(); });
}

bool hasControlCharacter(const QString &text)
{
    return std::any_of(text.begin(), text.end(), [](QChar c) {
        return c.unicode() < 0x20 && c != u'\t' && c != u'\n' && c != u'\r';
    });
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray body(reinterpret_cast<const char *>(data), qsizetype(size));
    QString problem;
    const auto form = FormData::decodeStrict(body, &problem);
    if (!form) {
        Fuzz::require(!problem.isEmpty(), "a refused body comes with a reason");
        return 0;
    }

    Fuzz::require(FormData::decode(body).items() == form->items(),
                  "decodeStrict reads an accepted body as decode does");
    for (const auto &[name, value] : form->items()) {
        Fuzz::require(isTwilioName(name), "an accepted name is ASCII letters and digits");
        Fuzz::require(!hasControlCharacter(value), "an accepted value has no control character");
        Fuzz::require(form->contains(name), "contains() finds every accepted name");
    }

    const QByteArray encoded = form->encode();
    QString again;
    const auto reread = FormData::decodeStrict(encoded, &again);
    Fuzz::require(reread.has_value(), "the encoding of an accepted form is accepted");
    Fuzz::require(reread->items() == form->items(), "decodeStrict(encode(form)) == form");
    // encode() is canonical: a second round produces the same bytes.
    Fuzz::require(reread->encode() == encoded, "encode is stable");
    Fuzz::require(!encoded.contains(' ') && !encoded.contains('+'), "encoded body has no ' '/'+'");
    return 0;
}
