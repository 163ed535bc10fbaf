#include "ServiceHarness.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QTest>

using Switchboard::Testing::ServiceHarness;

namespace {

const QByteArray kToken = QByteArrayLiteral("scrape-token-for-tests");

struct Scrape
{
    int status = 0;
    QString body;
};

Scrape scrape(const ServiceHarness &harness, const QByteArray &authorization)
{
    QNetworkAccessManager network;
    QNetworkRequest request(QUrl(harness.serviceUrl() + QStringLiteral("/metrics")));
    if (!authorization.isEmpty())
        request.setRawHeader("Authorization", authorization);
    QNetworkReply *reply = network.get(request);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    Scrape result{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
                  QString::fromUtf8(reply->readAll())};
    delete reply;
    return result;
}

} // namespace

// GET /metrics on the real service after a real simulated call.
class TestMetrics final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void showsRequestsAndCallsToTheTokenHolder()
    {
        ServiceHarness harness;
        QVERIFY2(
            harness.startService({QStringLiteral("--metrics-token"), QString::fromLatin1(kToken)}),
            qPrintable(harness.serviceOutput()));
        const ServiceHarness::SimResult sim =
            harness.runSim({QStringLiteral("--press"), QStringLiteral("1")});
        QVERIFY2(sim.exitCode == 0, qPrintable(sim.output + harness.serviceOutput()));
        const QJsonArray calls = QJsonDocument::fromJson(harness.exportLog()).array();
        QCOMPARE(calls.size(), 1);
        const QString outcome =
            calls.first().toObject().value(QStringLiteral("outcome")).toString();

        const Scrape metrics = scrape(harness, "Bearer " + kToken);
        QCOMPARE(metrics.status, 200);
        const QString &body = metrics.body;
        QVERIFY2(body.contains(QStringLiteral("# TYPE switchboard_http_requests_total counter")),
                 qPrintable(body));
        QVERIFY2(body.contains(QStringLiteral(
                     "switchboard_http_requests_total{route=\"/twilio/voice\",code=\"200\"} 1\n")),
                 qPrintable(body));
        QVERIFY2(body.contains(QStringLiteral(
                     "switchboard_http_requests_total{route=\"/twilio/menu\",code=\"200\"} 1\n")),
                 qPrintable(body));
        QVERIFY2(body.contains(QStringLiteral("switchboard_http_request_duration_seconds_bucket{"
                                              "route=\"/twilio/voice\",le=\"+Inf\"} 1\n")),
                 qPrintable(body));
        QVERIFY2(
            body.contains(QStringLiteral(
                "switchboard_http_request_duration_seconds_count{route=\"/twilio/voice\"} 1\n")),
            qPrintable(body));
        QVERIFY2(
            body.contains(QStringLiteral("switchboard_calls{outcome=\"%1\"} 1\n").arg(outcome)),
            qPrintable(body));
        QVERIFY2(
            body.contains(QStringLiteral("switchboard_voicemail_downloads{state=\"pending\"} 0\n")),
            qPrintable(body));
        QVERIFY2(body.contains(QStringLiteral("switchboard_database_errors_total 0\n")),
                 qPrintable(body));

        // Every sample line is `name{labels} value`: what Prometheus' parser accepts.
        const QRegularExpression sample(
            QStringLiteral("^[a-z_]+(\\{[a-z]+=\"[^\"]*\"(,[a-z]+=\"[^\"]*\")*\\})? [0-9.e+-]+$"));
        for (const QString &line : body.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
            if (!line.startsWith(QLatin1Char('#')))
                QVERIFY2(sample.match(line).hasMatch(), qPrintable(line));
        }
    }

    void refusesWithoutTheToken()
    {
        ServiceHarness harness;
        QVERIFY(
            harness.startService({QStringLiteral("--metrics-token"), QString::fromLatin1(kToken)}));
        QCOMPARE(scrape(harness, QByteArray()).status, 401);
        QCOMPARE(scrape(harness, "Bearer wrong-token").status, 401);
        QCOMPARE(scrape(harness, "Basic " + kToken.toBase64()).status, 401);
    }

    void isOffWithoutAConfiguredToken()
    {
        ServiceHarness harness;
        QVERIFY(harness.startService());
        QCOMPARE(scrape(harness, "Bearer " + kToken).status, 404);
    }
};

QTEST_GUILESS_MAIN(TestMetrics)
#include "TestMetrics.moc"
