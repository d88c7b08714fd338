// Seals AccessKey secrets at rest with AES-256-GCM under a master key from configuration or the data folder.
using System.Security.Cryptography;
using System.Text;
using Thingyard.Common;

namespace Thingyard.Accounts;

public sealed class SecretProtector
{
    readonly byte[] _key;

    public SecretProtector(byte[] key)
    {
        if (key.Length != 32) throw new ArgumentException("The master key must be 32 bytes (base64 of 32 random bytes).");
        _key = key;
    }

    /// <summary>Uses the configured base64 key, else reads (or creates, owner-only) master.key in the data folder.</summary>
    public static SecretProtector FromConfiguration(string? base64Key, string dataDir)
    {
        if (!string.IsNullOrWhiteSpace(base64Key)) return new SecretProtector(Convert.FromBase64String(base64Key));
        var path = Path.Combine(dataDir, "master.key");
        if (!File.Exists(path))
        {
            OwnerOnly.CreateFolder(dataDir);
            using var file = new StreamWriter(path, Encoding.ASCII, OwnerOnly.Create(FileMode.CreateNew));
            file.Write(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        }
        OwnerOnly.Restrict(path);
        return new SecretProtector(Convert.FromBase64String(File.ReadAllText(path).Trim()));
    }

    /// <summary>A secret for one purpose derived from the master key (HMAC-SHA256), e.g. the generated TLS key's password.</summary>
    public string Derive(string purpose) =>
        Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes("thingyard:" + purpose)));

    public string Seal(string plain)
    {
        var data = Encoding.UTF8.GetBytes(plain);
        var output = new byte[12 + 16 + data.Length];
        var nonce = output.AsSpan(0, 12);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, 16);
        aes.Encrypt(nonce, data, output.AsSpan(28), output.AsSpan(12, 16));
        return Convert.ToBase64String(output);
    }

    public string Open(string sealedText)
    {
        var input = Convert.FromBase64String(sealedText);
        var plain = new byte[input.Length - 28];
        using var aes = new AesGcm(_key, 16);
        aes.Decrypt(input.AsSpan(0, 12), input.AsSpan(28), input.AsSpan(12, 16), plain);
        return Encoding.UTF8.GetString(plain);
    }
}
