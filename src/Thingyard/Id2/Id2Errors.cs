// The ID² server's error codes, numbered as Alibaba's ID² server API numbers them (its "server error codes" list), so
// a third-party server written against that API reads Thingyard's answers unchanged. Where Thingyard tells apart
// causes that list folds into one code, each keeps a distinct code from the list and a message naming the cause
// (docs/id2.md has the table).
using Thingyard.Common;

namespace Thingyard.Id2;

public static class Id2Errors
{
    public const int Ok = 200;
    public const int QuotaExhausted = 16;
    public const int UnknownId2 = 18;
    public const int InvalidAuthCode = 21;
    public const int NotActivated = 32;
    /// <summary>A timestamp outside the window, or a challenge past its lifetime.</summary>
    public const int Expired = 33;
    /// <summary>A timestamp code seen before, or a challenge already answered.</summary>
    public const int Replayed = 34;
    /// <summary>A challenge this server never issued (or issued for another ID²).</summary>
    public const int InvalidChallenge = 35;
    public const int InvalidData = 36;
    public const int InvalidServerExtra = 38;
    public const int InvalidDeviceExtra = 39;
    public const int InvalidDeviceChallenge = 40;
    public const int NotSupported = 42;
    public const int Suspended = 45;
    public const int Revoked = 46;
    public const int ProductNotFound = 51;
    public const int InvalidParameter = 500;

    public static IotException Error(int code, string message) => new(code.ToString(System.Globalization.CultureInfo.InvariantCulture), message);

    /// <summary>The numeric code of an exception raised by <see cref="Error"/> (500 for any other).</summary>
    public static int CodeOf(IotException e) => int.TryParse(e.Code, out var code) ? code : InvalidParameter;
}
