#include "Wav.h"

#include <cmath>
#include <QtEndian>

namespace Switchboard {
namespace {

void appendLe32(QByteArray &bytes, quint32 value)
{
    char buffer[4];
    qToLittleEndian(value, buffer);
    bytes.append(buffer, 4);
}

void appendLe16(QByteArray &bytes, quint16 value)
{
    char buffer[2];
    qToLittleEndian(value, buffer);
    bytes.append(buffer, 2);
}

} // namespace

QByteArray Wav::header(quint32 dataBytes)
{
    QByteArray bytes;
    bytes.reserve(headerSize);
    bytes.append("RIFF", 4);
    appendLe32(bytes, 36 + dataBytes);
    bytes.append("WAVE", 4);
    bytes.append("fmt ", 4);
    appendLe32(bytes, 16); // PCM format chunk size
    appendLe16(bytes, 1);  // PCM
    appendLe16(bytes, 1);  // mono
    appendLe32(bytes, sampleRate);
    appendLe32(bytes, sampleRate * bytesPerSample); // byte rate
    appendLe16(bytes, bytesPerSample);              // block align
    appendLe16(bytes, 8 * bytesPerSample);          // bits per sample
    bytes.append("data", 4);
    appendLe32(bytes, dataBytes);
    return bytes;
}

QByteArray Wav::tone(int seconds, int frequencyHz)
{
    const int samples = qMax(0, seconds) * sampleRate;
    QByteArray bytes = header(quint32(samples) * bytesPerSample);
    bytes.reserve(headerSize + samples * bytesPerSample);
    // A short fade at both ends avoids clicks when the recording is played back in the app.
    const int fade = qMin(samples / 2, sampleRate / 50);
    constexpr double amplitude = 0.3 * 32767;
    constexpr double twoPi = 6.283185307179586;
    for (int i = 0; i < samples; ++i) {
        double gain = 1.0;
        if (i < fade)
            gain = double(i) / fade;
        else if (samples - i <= fade)
            gain = double(samples - i - 1) / fade;
        const double value = amplitude * gain * std::sin(twoPi * frequencyHz * i / sampleRate);
        appendLe16(bytes, quint16(qint16(std::lround(value))));
    }
    return bytes;
}

} // namespace Switchboard
