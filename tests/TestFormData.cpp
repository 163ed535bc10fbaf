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
