// Failed TLS handshakes on the device ports, logged with the device's address and the reason, without flooding.
using System.Net;

namespace Thingyard.Server.Connectivity;

/// <summary>One Information line per failed handshake, at most 10 a minute: a scanner or a fleet with a wrong
/// certificate must not flood the log. The lines held back are counted into the next one (and all into /metrics).</summary>
sealed class HandshakeFailureLog(ILogger log)
{
    const int PerMinute = 10;
    readonly Lock _lock = new();
    long _windowStart = long.MinValue / 2;
    int _logged, _held;

    public void Report(string port, EndPoint? remote, string reason)
    {
        int held;
        lock (_lock)
        {
            var now = Environment.TickCount64;
            if (now - _windowStart >= 60_000) (_windowStart, _logged) = (now, 0);
            if (_logged == PerMinute)
            {
                _held++;
                return;
            }
            _logged++;
            (held, _held) = (_held, 0);
        }
        if (held == 0) log.LogInformation("TLS handshake failed on {Port} from {Remote}: {Reason}", port, remote, reason);
        else log.LogInformation("TLS handshake failed on {Port} from {Remote}: {Reason} ({Held} earlier failures not logged)", port, remote, reason, held);
    }
}
