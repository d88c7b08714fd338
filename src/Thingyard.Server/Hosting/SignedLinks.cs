// Links that can be fetched without credentials for a while, as the platform's OSS links are: the query carries an
// expiry and an HMAC of the resource and expiry. The key lives in memory, so a restart expires old links.
using System.Security.Cryptography;
using System.Text;

namespace Thingyard.Server.Hosting;

public sealed class SignedLinks(TimeProvider time)
{
    readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    /// <summary>The query string (without '?') that makes <paramref name="resource"/> fetchable for <paramref name="validity"/>.</summary>
    public string Query(string resource, TimeSpan validity)
    {
        var expires = time.GetUtcNow().Add(validity).ToUnixTimeMilliseconds();
        return $"expires={expires}&signature={Sign(resource, expires)}";
    }

    public bool Valid(string resource, long? expires, string? signature) =>
        expires is { } e && signature is not null && e >= time.GetUtcNow().ToUnixTimeMilliseconds() &&
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(resource, e)), Encoding.ASCII.GetBytes(signature));

    string Sign(string resource, long expires) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{resource}\n{expires}")));
}
