#include "twilio/RequestSignature.h"

#include <QTest>

using namespace Switchboard;

// The example from Twilio's "Webhooks security" documentation.
class TestRequestSignature final : public QObject
{
    Q_OBJECT

    const QByteArray token = "12345";
    const QString url = QStringLiteral("https://mycompany.com/myapp.php?foo=1&bar=2");

    FormData params(const QString &caller) const
    {
        return {{QStringLiteral("CallSid"), QStringLiteral("CA1234567890ABCDE")},
                {QStringLiteral("Caller"), caller},
                {QStringLiteral("Digits"), QStringLiteral("1234")},
                {QStringLiteral("From"), caller},
                {QStringLiteral("To"), QStringLiteral("+18005551212")}};
    }

private Q_SLOTS:
    void matchesTwilioPublishedVectors_data()
    {
        QTest::addColumn<QString>("caller");
        QTest::addColumn<QByteArray>("signature");
        QTest::newRow("+14158675309")
            << QStringLiteral("+14158675309") << QByteArray("RSOYDt4T1cUTdK1PDd93/VVr8B8=");
        QTest::newRow("+14158675310")
            << QStringLiteral("+14158675310") << QByteArray("GvWf1cFY/Q7PnoempGyD5oXAezc=");
    }

    void matchesTwilioPublishedVectors()
    {
        QFETCH(QString, caller);
        QFETCH(QByteArray, signature);
        QCOMPARE(RequestSignature::compute(token, url, params(caller)), signature);
        QVERIFY(RequestSignature::isValid(token, url, params(caller), signature));
    }

    void parameterOrderDoesNotMatter()
    {
        FormData shuffled;
        const auto items = params(QStringLiteral("+14158675309")).items();
        for (auto it = items.crbegin(); it != items.crend(); ++it)
            shuffled.add(it->first, it->second);
        QVERIFY(RequestSignature::isValid(token, url, shuffled, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
    }

    void changedParameterFails()
    {
        FormData changed = params(QStringLiteral("+14158675309"));
        changed.set(QStringLiteral("Digits"), QStringLiteral("1235"));
        QVERIFY(!RequestSignature::isValid(token, url, changed, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
        FormData added = params(QStringLiteral("+14158675309"));
        added.add(QStringLiteral("Extra"), QStringLiteral("x"));
        QVERIFY(!RequestSignature::isValid(token, url, added, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
    }

    void changedUrlFails()
    {
        const FormData p = params(QStringLiteral("+14158675309"));
        QVERIFY(!RequestSignature::isValid(
            token, QStringLiteral("https://mycompany.com/myapp.php?foo=1&bar=3"), p,
            "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
        QVERIFY(!RequestSignature::isValid(
            token, QStringLiteral("http://mycompany.com/myapp.php?foo=1&bar=2"), p,
            "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
        QVERIFY(!RequestSignature::isValid(token,
                                           QStringLiteral("https://evil.com/myapp.php?foo=1&bar=2"),
                                           p, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
    }

    void changedTokenFails()
    {
        QVERIFY(!RequestSignature::isValid("12346", url, params(QStringLiteral("+14158675309")),
                                           "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
        QVERIFY(!RequestSignature::isValid(QByteArray(), url,
                                           params(QStringLiteral("+14158675309")),
                                           "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
    }

    void emptyOrMalformedSignatureFails()
    {
        QVERIFY(!RequestSignature::isValid(token, url, params(QStringLiteral("+14158675309")),
                                           QByteArray()));
        QVERIFY(!RequestSignature::isValid(token, url, params(QStringLiteral("+14158675309")),
                                           "RSOYDt4T1cUTdK1PDd93/VVr8B8"));
    }

    // Proxies differ in whether they keep ":443": Twilio's libraries accept both spellings.
    void defaultPortIsOptional()
    {
        const FormData p = params(QStringLiteral("+14158675309"));
        const QString withPort = QStringLiteral("https://mycompany.com:443/myapp.php?foo=1&bar=2");
        QVERIFY(RequestSignature::isValid(token, withPort, p, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
        const QByteArray signedWithPort = RequestSignature::compute(token, withPort, p);
        QVERIFY(RequestSignature::isValid(token, url, p, signedWithPort));
        // Another port is another URL.
        QVERIFY(!RequestSignature::isValid(
            token, QStringLiteral("https://mycompany.com:8443/myapp.php?foo=1&bar=2"), p,
            "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
    }

    void repeatedKeysAreSignedSortedByValue()
    {
        const FormData a{{QStringLiteral("k"), QStringLiteral("b")},
                         {QStringLiteral("k"), QStringLiteral("a")}};
        const FormData b{{QStringLiteral("k"), QStringLiteral("a")},
                         {QStringLiteral("k"), QStringLiteral("b")}};
        QCOMPARE(RequestSignature::payload(url, a), url.toUtf8() + "kakb");
        QCOMPARE(RequestSignature::compute(token, url, a),
                 RequestSignature::compute(token, url, b));
    }
};

QTEST_GUILESS_MAIN(TestRequestSignature)
#include "TestRequestSignature.moc"
