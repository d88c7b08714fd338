// The ID² key types, numbered as the open ID² Client SDK numbers them (CONFIG_ID2_KEY_TYPE), with the hash each
// signs with (CONFIG_ID2_HASH_TYPE: SHA-256 = 2, SM3 = 3).
namespace Thingyard.Protocol.Id2;

public enum Id2KeyType
{
    TripleDes = 1,
    Aes = 2,
    Rsa = 3,
    Sm2 = 6,
    Sm4 = 7,
}

public static class Id2KeyTypes
{
    public const int Sha256 = 2;
    public const int Sm3 = 3;

    /// <summary>The hash digit an auth code carries for this key type.</summary>
    public static int HashType(this Id2KeyType type) => type is Id2KeyType.Sm4 or Id2KeyType.Sm2 ? Sm3 : Sha256;

    public static bool IsSymmetric(this Id2KeyType type) => type is Id2KeyType.Aes or Id2KeyType.TripleDes or Id2KeyType.Sm4;

    /// <summary>The names used in the API, files and CLI: aes, 3des, sm4, rsa, sm2.</summary>
    public static string Name(this Id2KeyType type) => type switch
    {
        Id2KeyType.Aes => "aes", Id2KeyType.TripleDes => "3des", Id2KeyType.Sm4 => "sm4", Id2KeyType.Rsa => "rsa", Id2KeyType.Sm2 => "sm2",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static bool TryParse(string? name, out Id2KeyType type)
    {
        type = (name ?? "").Trim().ToLowerInvariant() switch
        {
            "aes" or "aes128" or "aes-128" or "2" => Id2KeyType.Aes,
            "3des" or "des3" or "tripledes" or "1" => Id2KeyType.TripleDes,
            "sm4" or "7" => Id2KeyType.Sm4,
            "rsa" or "rsa1024" or "rsa2048" or "3" => Id2KeyType.Rsa,
            "sm2" or "6" => Id2KeyType.Sm2,
            _ => 0,
        };
        return type != 0;
    }
}
