// Seals secrets at rest with AES-256-GCM under the master key: AccessKey secrets, and (through the storage model) device
// and product secrets and device tokens. The key comes from configuration or a key file, by default master.key in
// the data folder; a key file kept elsewhere (Security:MasterKeyPath) keeps a copy of the data folder useless alone.
using System.Security.Cryptography;
using System.Text;
using Thingyard.Common;

namespace Thingyard.Accounts;

public sealed class SecretProtector
{
    /// <summary>Marks a sealed column value; clear secrets (hex and letters) never contain ':'.</summary>
    public const string SealedPrefix = "s1:";
    public const string DefaultKeyFile = "master.key";

    readonly byte[] _key;

    public SecretProtector(byte[] key)
    {
        if (key.Length != 32) throw new ArgumentException("The master key must be 32 bytes (base64 of 32 random bytes).");
        _key = key;
        KeyId = Convert.ToHexStringLower(SHA256.HashData(key).AsSpan(0, 8));
    }

    /// <summary>Names the key without revealing it (two protectors with the same key have the same id).</summary>
    public string KeyId { get; }

    /// <summary>Uses the configured base64 key, else reads (or creates, owner-only) the key file: <paramref name="keyPath"/>,
    /// or master.key in the data folder.</summary>
    public static SecretProtector FromConfiguration(string? base64Key, string? keyPath, string dataDir)
    {
        if (!string.IsNullOrWhiteSpace(base64Key)) return new SecretProtector(Convert.FromBase64String(base64Key));
        var path = Path.GetFullPath(string.IsNullOrWhiteSpace(keyPath) ? Path.Combine(dataDir, DefaultKeyFile) : keyPath);
        if (!File.Exists(path))
        {
            var folder = Path.GetDirectoryName(path)!;
            if (!Directory.Exists(folder)) OwnerOnly.CreateFolder(folder);
            using var file = new StreamWriter(path, Encoding.ASCII, OwnerOnly.Create(FileMode.CreateNew));
            file.Write(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        }
        OwnerOnly.Restrict(path);
        return FromKeyFile(path);
    }

    /// <summary>Reads an existing key file (base64 of 32 bytes, as `openssl rand -base64 32` writes it).</summary>
    public static SecretProtector FromKeyFile(string path) => new(Convert.FromBase64String(File.ReadAllText(path).Trim()));

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

    /// <summary>False when this key did not seal the text (or it is not sealed text at all).</summary>
    public bool TryOpen(string sealedText, out string plain)
    {
        try
        {
            plain = Open(sealedText);
            return true;
        }
        catch (Exception e) when (e is CryptographicException or FormatException or OverflowException)
        {
            plain = "";
            return false;
        }
    }

    public static bool IsSealed(string stored) => stored.StartsWith(SealedPrefix, StringComparison.Ordinal);

    /// <summary>A column value: the prefix, then the sealed text.</summary>
    public string SealValue(string plain) => SealedPrefix + Seal(plain);

    /// <summary>The clear secret of a column value; a value stored before sealing existed is returned as it is (the
    /// start seals those, once).</summary>
    public string OpenValue(string stored) => IsSealed(stored) ? Open(stored[SealedPrefix.Length..]) : stored;
}
