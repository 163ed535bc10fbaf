// RequestSignature with an arbitrary auth token, URL and form body ("token|url|body"): it must
// accept the signature it computes, reject that signature with any one byte changed, and accept
// it for the URL's default-port variant too, since proxies may add or strip ":443".

#include "FuzzCheck.h"
#include "FuzzSplit.h"
#include "twilio/RequestSignature.h"

#include <cstddef>
#include <cstdint>
#include <QUrl>

using namespace Switchboard;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QList<QByteArray> fields =
        Fuzz::splitFields(QByteArray(reinterpret_cast<const char *>(data), qsizetype(size)), 3);
    const QByteArray &token = fields.at(0);
    const QString url = QString::fromUtf8(fields.at(1));
    const FormData params = FormData::decode(fields.at(2));

    const QByteArray signature = RequestSignature::compute(token, url, params);
    Fuzz::require(signature.size() == 28, "a signature is base64 of 20 bytes");
    Fuzz::require(RequestSignature::compute(token, url, params) == signature,
                  "compute is deterministic");

    const bool valid = RequestSignature::isValid(token, url, params, signature);
    // An empty token means the service has no secret: nothing may pass then.
    Fuzz::require(valid == !token.isEmpty(), "isValid accepts its own signature iff token set");
    Fuzz::require(!RequestSignature::isValid(token, url, params, QByteArray()),
                  "an empty signature never passes");

    if (token.isEmpty())
        return 0;
    // Change one byte, chosen by the input, to another value.
    const qsizetype at = qsizetype(size % size_t(signature.size()));
    QByteArray tampered = signature;
    tampered[at] = tampered[at] == 'A' ? 'B' : 'A';
    Fuzz::require(!RequestSignature::isValid(token, url, params, tampered),
                  "a one-byte change in the signature fails");
    Fuzz::require(!RequestSignature::isValid(token, url, params, signature + '='),
                  "a longer signature fails");

    // Twilio may have signed the URL with or without the default port.
    QUrl parsed(url, QUrl::StrictMode);
    const int defaultPort = parsed.scheme() == QLatin1String("https")  ? 443
                            : parsed.scheme() == QLatin1String("http") ? 80
                                                                       : -1;
    if (parsed.isValid() && defaultPort > 0 && parsed.port() == -1) {
        parsed.setPort(defaultPort);
        const QString withPort = parsed.toString(QUrl::FullyEncoded);
        Fuzz::require(RequestSignature::isValid(token, url, params,
                                                RequestSignature::compute(token, withPort, params)),
                      "a signature over the URL with its default port passes");
    }
    return 0;
}
