// Device payloads are bytes from the network: text handlers check them once before reading strings out of them.
using System.Buffers;
using System.Text.Unicode;

namespace Thingyard.Protocol.Alink;

public static class Utf8Payload
{
    public static bool IsValid(ReadOnlySequence<byte> payload) =>
        payload.IsSingleSegment ? Utf8.IsValid(payload.FirstSpan) : Utf8.IsValid(payload.ToArray());
}
