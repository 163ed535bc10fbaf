#pragma once

#include <QByteArray>

namespace Switchboard {

// The audio the simulated caller "speaks": 8 kHz, 16-bit, mono PCM in a RIFF/WAVE container,
// the format Twilio serves for RecordingUrl + ".wav".
class Wav final
{
public:
    static constexpr int sampleRate = 8000;
    static constexpr int bytesPerSample = 2;
    static constexpr int headerSize = 44;

    // A tone of exactly `seconds`, deterministic so tests can compare the bytes served.
    static QByteArray tone(int seconds, int frequencyHz = 440);

    // The 44-byte canonical header for `dataBytes` bytes of PCM.
    static QByteArray header(quint32 dataBytes);
};

} // namespace Switchboard
