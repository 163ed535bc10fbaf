#include "twilio/FormData.h"

#include <QTest>

using namespace Switchboard;

class TestFormData final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void plusIsASpaceAndPercentTwoBIsAPlus()
    {
        const FormData form =
            FormData::decode("CallerName=Jane+Doe&From=%2B14155550100&City=SAN+FRANCISCO");
        QCOMPARE(form.value(QStringLiteral("CallerName")), QStringLiteral("Jane Doe"));
        QCOMPARE(form.value(QStringLiteral("From")), QStringLiteral("+14155550100"));
        QCOMPARE(form.value(QStringLiteral("City")), QStringLiteral("SAN FRANCISCO"));
    }

    void utf8AndReservedCharacters()
    {
        const FormData form = FormData::decode("name=Jos%C3%A9+M%C3%BCller&q=a%26b%3Dc");
        QCOMPARE(form.value(QStringLiteral("name")), QStringLiteral("José Müller"));
        QCOMPARE(form.value(QStringLiteral("q")), QStringLiteral("a&b=c"));
    }

    void keepsOrderAndRepeatedKeys()
    {
        const FormData form = FormData::decode("b=2&a=1&b=3");
        QCOMPARE(form.items().size(), 3);
        QCOMPARE(form.items().at(0), (FormData::Item{QStringLiteral("b"), QStringLiteral("2")}));
        QCOMPARE(form.items().at(2), (FormData::Item{QStringLiteral("b"), QStringLiteral("3")}));
        QCOMPARE(form.value(QStringLiteral("b")), QStringLiteral("2"));
    }

    void emptyValuesAndMissingKeys()
    {
        const FormData form = FormData::decode("Digits=&CallSid=CA1");
        QVERIFY(form.contains(QStringLiteral("Digits")));
        QCOMPARE(form.value(QStringLiteral("Digits")), QString());
        QVERIFY(!form.contains(QStringLiteral("From")));
        QVERIFY(FormData::decode(QByteArray()).isEmpty());
    }

    void strictTakesOnlyTwilioNames_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("letters and digits") << QByteArray("CallSid=CA1&Msg2=x&msg=y") << true;
        QTest::newRow("a dash") << QByteArray("CallSid=CA1&-status=") << false;
        QTest::newRow("an underscore") << QByteArray("SipHeader_X=1") << false;
        QTest::newRow("a leading digit") << QByteArray("CallSid=CA1&1=") << false;
        QTest::newRow("empty") << QByteArray("=CA1") << false;
        QTest::newRow("percent-encoded dash") << QByteArray("Call%2DSid=CA1") << false;
        QTest::newRow("non-ASCII letter") << QByteArray("Ca%C3%A9ll=1") << false;
        QTest::newRow("a space") << QByteArray("Call+Sid=CA1") << false;
    }

    void strictTakesOnlyTwilioNames()
    {
        // Twilio's signature runs names and values together: another character in a name could
        // carry text over from the signed URL (see FormData::decodeStrict).
        QFETCH(QByteArray, body);
        QFETCH(bool, accepted);
        QString error;
        QCOMPARE(FormData::decodeStrict(body, &error).has_value(), accepted);
        QCOMPARE(error.isEmpty(), accepted);
        QVERIFY(!FormData::decode(body).isEmpty()); // the lenient decoder still reads it
    }

    void encodeRoundTrips()
    {
        const FormData original{{QStringLiteral("From"), QStringLiteral("+1 415 555")},
                                {QStringLiteral("Name"), QStringLiteral("a&b=c ü")}};
        const QByteArray body = original.encode();
        QVERIFY(!body.contains(' '));
        QVERIFY(body.contains("%2B1"));
        QCOMPARE(FormData::decode(body).items(), original.items());
    }
};

QTEST_GUILESS_MAIN(TestFormData)
#include "TestFormData.moc"
