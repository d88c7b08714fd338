// One ID² key and the operations the open ID² Client SDK performs with it, server and device alike:
// - symmetric keys (AES, 3DES, SM4) "sign" by encrypting the hash of the input, PKCS#5-padded, in ECB mode, and
//   verify by signing again and comparing; data for the device is encrypted in ECB with PKCS#5 padding;
// - RSA signs PKCS#1 v1.5 over SHA-256 and encrypts PKCS#1 v1.5 in blocks the device decrypts one by one;
// - SM2 signs over SM3 with the default user id "1234567812345678" and encrypts with SM2 (C1C3C2).
// AES and 3DES use .NET's own ciphers; SM2, SM3 and SM4 come from BouncyCastle (no hand-written cipher code).
using System.Security.Cryptography;
using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;

namespace Thingyard.Protocol.Id2;

public sealed class Id2Key
{
    /// <summary>The user id SM2 signatures are bound to when the caller gives none (the client SDK's choice too).</summary>
    const string Sm2UserId = "1234567812345678";
    /// <summary>RSA keys are 1024-bit: the client SDK decrypts in 128-byte blocks (ID2_RSA_BLOCK_SIZE).</summary>
    public const int RsaBits = 1024;

    readonly byte[]? _symmetric;
    readonly byte[]? _privateDer;   // RSA: PKCS#8; SM2: the private scalar (32 bytes)
    readonly byte[]? _publicDer;    // RSA: SubjectPublicKeyInfo; SM2: the uncompressed point (65 bytes)

    Id2Key(Id2KeyType type, byte[]? symmetric, byte[]? privateDer, byte[]? publicDer)
    {
        Type = type;
        _symmetric = symmetric;
        _privateDer = privateDer;
        _publicDer = publicDer;
    }

    public Id2KeyType Type { get; }

    /// <summary>False for an imported asymmetric identity known only by its public key: it verifies, but cannot sign
    /// the server's side of mutual authentication or be exported to a device.</summary>
    public bool HasPrivate => _symmetric is not null || _privateDer is not null;

    public int BlockSize => Type switch { Id2KeyType.TripleDes => 8, Id2KeyType.Aes or Id2KeyType.Sm4 => 16, _ => 0 };

    public static Id2Key Generate(Id2KeyType type)
    {
        switch (type)
        {
            case Id2KeyType.Aes: case Id2KeyType.Sm4: return new(type, RandomNumberGenerator.GetBytes(16), null, null);
            case Id2KeyType.TripleDes: return new(type, RandomNumberGenerator.GetBytes(24), null, null);
            case Id2KeyType.Rsa:
                using (var rsa = RSA.Create(RsaBits)) return new(type, null, rsa.ExportPkcs8PrivateKey(), rsa.ExportSubjectPublicKeyInfo());
            case Id2KeyType.Sm2:
                var generator = new ECKeyPairGenerator();
                generator.Init(new ECKeyGenerationParameters(Sm2Domain, new SecureRandom()));
                var pair = generator.GenerateKeyPair();
                var d = ((ECPrivateKeyParameters)pair.Private).D.ToByteArrayUnsigned();
                return new(type, null, Pad32(d), ((ECPublicKeyParameters)pair.Public).Q.GetEncoded(false));
            default: throw new ArgumentOutOfRangeException(nameof(type));
        }
    }

    /// <summary>Reads key material as <see cref="Material"/> or <see cref="PublicMaterial"/> write it: hex for a
    /// symmetric key; for RSA base64 of PKCS#8 (private) or SubjectPublicKeyInfo (public); for SM2 hex of the 32-byte
    /// private scalar or of the 65-byte uncompressed public point.</summary>
    public static Id2Key Parse(Id2KeyType type, string material)
    {
        material = material.Trim();
        switch (type)
        {
            case Id2KeyType.Aes:
            {
                var key = Convert.FromHexString(material);
                if (key.Length is not (16 or 24 or 32)) throw new FormatException("An AES ID² key is 16, 24 or 32 bytes (32, 48 or 64 hex digits).");
                return new(type, key, null, null);
            }
            case Id2KeyType.TripleDes:
            {
                var key = Convert.FromHexString(material);
                if (key.Length is not (16 or 24)) throw new FormatException("A 3DES ID² key is 16 or 24 bytes (32 or 48 hex digits).");
                return new(type, key, null, null);
            }
            case Id2KeyType.Sm4:
            {
                var key = Convert.FromHexString(material);
                if (key.Length != 16) throw new FormatException("An SM4 ID² key is 16 bytes (32 hex digits).");
                return new(type, key, null, null);
            }
            case Id2KeyType.Rsa:
            {
                var der = Convert.FromBase64String(material);
                using var rsa = RSA.Create();
                try
                {
                    rsa.ImportPkcs8PrivateKey(der, out _);
                    return new(type, null, der, rsa.ExportSubjectPublicKeyInfo());
                }
                catch (CryptographicException)
                {
                    rsa.ImportSubjectPublicKeyInfo(der, out _);
                    return new(type, null, null, der);
                }
            }
            case Id2KeyType.Sm2:
            {
                var bytes = Convert.FromHexString(material);
                if (bytes.Length == 32)
                    return new(type, null, bytes, Sm2Domain.G.Multiply(new BigInteger(1, bytes)).Normalize().GetEncoded(false));
                if (bytes.Length == 65 && bytes[0] == 4)
                {
                    Sm2Domain.Curve.DecodePoint(bytes); // refuses a point off the curve
                    return new(type, null, null, bytes);
                }
                throw new FormatException("An SM2 ID² key is the 32-byte private key or the 65-byte uncompressed public key, in hex.");
            }
            default: throw new ArgumentOutOfRangeException(nameof(type));
        }
    }

    /// <summary>The secret material (what a device is provisioned with): hex, or base64 PKCS#8 for RSA.</summary>
    public string Material => _symmetric is not null ? Convert.ToHexString(_symmetric)
        : _privateDer is null ? PublicMaterial!
        : Type == Id2KeyType.Rsa ? Convert.ToBase64String(_privateDer) : Convert.ToHexString(_privateDer);

    /// <summary>The public half of an asymmetric key (null for symmetric keys).</summary>
    public string? PublicMaterial => _publicDer is null ? null
        : Type == Id2KeyType.Rsa ? Convert.ToBase64String(_publicDer) : Convert.ToHexString(_publicDer);

    /// <summary>SHA-256, or SM3 for the SM key types.</summary>
    public byte[] Hash(ReadOnlySpan<byte> data)
    {
        if (Type.HashType() == Id2KeyTypes.Sha256) return SHA256.HashData(data);
        var sm3 = new SM3Digest();
        sm3.BlockUpdate(data);
        var output = new byte[sm3.GetDigestSize()];
        sm3.DoFinal(output, 0);
        return output;
    }

    public byte[] Sign(ReadOnlySpan<byte> input)
    {
        switch (Type)
        {
            case Id2KeyType.Aes: case Id2KeyType.TripleDes: case Id2KeyType.Sm4:
                return EcbEncrypt(Pkcs5Pad(Hash(input)));
            case Id2KeyType.Rsa:
                using (var rsa = Rsa(requirePrivate: true)) return rsa.SignData(input.ToArray(), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            case Id2KeyType.Sm2:
            {
                var signer = new SM2Signer(new SM3Digest());
                signer.Init(true, new ParametersWithID(Sm2Private(), System.Text.Encoding.ASCII.GetBytes(Sm2UserId)));
                signer.BlockUpdate(input);
                return signer.GenerateSignature();
            }
            default: throw new InvalidOperationException();
        }
    }

    /// <summary>True when <paramref name="signature"/> is this key's signature of <paramref name="input"/>; compares in
    /// fixed time for symmetric keys.</summary>
    public bool Verify(ReadOnlySpan<byte> input, ReadOnlySpan<byte> signature)
    {
        switch (Type)
        {
            case Id2KeyType.Aes: case Id2KeyType.TripleDes: case Id2KeyType.Sm4:
                return CryptographicOperations.FixedTimeEquals(Sign(input), signature);
            case Id2KeyType.Rsa:
                using (var rsa = Rsa(requirePrivate: false))
                    return rsa.VerifyData(input.ToArray(), signature.ToArray(), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            case Id2KeyType.Sm2:
            {
                var signer = new SM2Signer(new SM3Digest());
                signer.Init(false, new ParametersWithID(Sm2Public(), System.Text.Encoding.ASCII.GetBytes(Sm2UserId)));
                signer.BlockUpdate(input);
                try { return signer.VerifySignature(signature.ToArray()); }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException) { return false; }
            }
            default: return false;
        }
    }

    /// <summary>Encrypts data for the device (what id2_client_decrypt undoes).</summary>
    public byte[] Encrypt(byte[] plain)
    {
        switch (Type)
        {
            case Id2KeyType.Aes: case Id2KeyType.TripleDes: case Id2KeyType.Sm4:
                return EcbEncrypt(Pkcs5Pad(plain));
            case Id2KeyType.Rsa:
            {
                using var rsa = Rsa(requirePrivate: false);
                var block = rsa.KeySize / 8;
                var chunk = block - 11;
                using var output = new MemoryStream();
                for (var at = 0; at < plain.Length || at == 0; at += chunk)
                    output.Write(rsa.Encrypt(plain.AsSpan(at, Math.Min(chunk, plain.Length - at)).ToArray(), RSAEncryptionPadding.Pkcs1));
                return output.ToArray();
            }
            case Id2KeyType.Sm2:
            {
                var engine = new SM2Engine(SM2Engine.Mode.C1C3C2);
                engine.Init(true, new ParametersWithRandom(Sm2Public(), new SecureRandom()));
                return engine.ProcessBlock(plain, 0, plain.Length);
            }
            default: throw new InvalidOperationException();
        }
    }

    /// <summary>The device's decryption (id2_client_decrypt). Throws CryptographicException on bad padding or length.</summary>
    public byte[] Decrypt(byte[] cipher)
    {
        switch (Type)
        {
            case Id2KeyType.Aes: case Id2KeyType.TripleDes: case Id2KeyType.Sm4:
            {
                if (cipher.Length == 0 || cipher.Length % BlockSize != 0) throw new CryptographicException("The data is not a whole number of cipher blocks.");
                return Pkcs5Unpad(EcbDecrypt(cipher));
            }
            case Id2KeyType.Rsa:
            {
                using var rsa = Rsa(requirePrivate: true);
                var block = rsa.KeySize / 8;
                if (cipher.Length == 0 || cipher.Length % block != 0) throw new CryptographicException("The data is not a whole number of RSA blocks.");
                using var output = new MemoryStream();
                for (var at = 0; at < cipher.Length; at += block)
                    output.Write(rsa.Decrypt(cipher.AsSpan(at, block).ToArray(), RSAEncryptionPadding.Pkcs1));
                return output.ToArray();
            }
            case Id2KeyType.Sm2:
            {
                var engine = new SM2Engine(SM2Engine.Mode.C1C3C2);
                engine.Init(false, Sm2Private());
                try { return engine.ProcessBlock(cipher, 0, cipher.Length); }
                catch (InvalidCipherTextException e) { throw new CryptographicException(e.Message); }
            }
            default: throw new InvalidOperationException();
        }
    }

    /// <summary>id2_client_get_secret: a secret device and server both derive from a seed (upper-case hex of the hash
    /// of the key's signature of the seed). Symmetric keys only.</summary>
    public string Secret(string seed) => Convert.ToHexString(Hash(SignSymmetric(System.Text.Encoding.UTF8.GetBytes(seed))));

    /// <summary>id2_client_derive_key: the first <paramref name="length"/> bytes of the hash of the signature of
    /// ID² || seed. Symmetric keys only.</summary>
    public byte[] DeriveKey(string id2, string seed, int length = 32) =>
        Hash(SignSymmetric(System.Text.Encoding.UTF8.GetBytes(id2 + seed)))[..length];

    /// <summary>id2_client_encrypt and its inverse: data under the key derived from a seed, in ECB with PKCS#7 padding;
    /// AES-256 (a 32-byte derived key) for AES identities, SM4 for SM4 ones.</summary>
    public byte[] SeedEncrypt(string id2, string seed, byte[] plain) => SeedCipher(id2, seed).EcbEncrypt(SeedCipher(id2, seed).Pkcs5Pad(plain));

    public byte[] SeedDecrypt(string id2, string seed, byte[] cipher)
    {
        var derived = SeedCipher(id2, seed);
        if (cipher.Length == 0 || cipher.Length % 16 != 0) throw new CryptographicException("The data is not a whole number of cipher blocks.");
        return derived.Pkcs5Unpad(derived.EcbDecrypt(cipher));
    }

    Id2Key SeedCipher(string id2, string seed) => Type switch
    {
        Id2KeyType.Aes => new(Id2KeyType.Aes, DeriveKey(id2, seed, 32), null, null),
        Id2KeyType.Sm4 => new(Id2KeyType.Sm4, DeriveKey(id2, seed, 16), null, null),
        _ => throw new InvalidOperationException($"The client SDK encrypts with a derived key for AES and SM4 identities only, not {Type.Name()}."),
    };

    byte[] SignSymmetric(byte[] input) => Type.IsSymmetric()
        ? Sign(input)
        : throw new InvalidOperationException($"The client SDK derives secrets from symmetric keys only, not {Type.Name()}.");

    byte[] Pkcs5Pad(byte[] data)
    {
        var pad = BlockSize - data.Length % BlockSize;
        var output = new byte[data.Length + pad];
        data.CopyTo(output, 0);
        output.AsSpan(data.Length).Fill((byte)pad);
        return output;
    }

    byte[] Pkcs5Unpad(byte[] data)
    {
        var pad = data[^1];
        if (pad == 0 || pad > BlockSize || data.AsSpan(data.Length - pad).IndexOfAnyExcept(pad) >= 0)
            throw new CryptographicException("Bad padding: the data was not encrypted with this key.");
        return data[..^pad];
    }

    byte[] EcbEncrypt(byte[] data) => EcbCrypt(data, encrypt: true);
    byte[] EcbDecrypt(byte[] data) => EcbCrypt(data, encrypt: false);

    byte[] EcbCrypt(byte[] data, bool encrypt)
    {
        switch (Type)
        {
            case Id2KeyType.Aes:
                using (var aes = System.Security.Cryptography.Aes.Create())
                {
                    aes.Key = _symmetric!;
                    return encrypt ? aes.EncryptEcb(data, PaddingMode.None) : aes.DecryptEcb(data, PaddingMode.None);
                }
            case Id2KeyType.TripleDes:
                using (var des = TripleDES.Create())
                {
                    des.Key = _symmetric!;
                    return encrypt ? des.EncryptEcb(data, PaddingMode.None) : des.DecryptEcb(data, PaddingMode.None);
                }
            default:
            {
                var engine = new SM4Engine();
                engine.Init(encrypt, new KeyParameter(_symmetric!));
                var output = new byte[data.Length];
                for (var at = 0; at < data.Length; at += 16) engine.ProcessBlock(data, at, output, at);
                return output;
            }
        }
    }

    RSA Rsa(bool requirePrivate)
    {
        var rsa = RSA.Create();
        if (_privateDer is not null) rsa.ImportPkcs8PrivateKey(_privateDer, out _);
        else if (requirePrivate) throw new InvalidOperationException("Only the public key of this ID² is known.");
        else rsa.ImportSubjectPublicKeyInfo(_publicDer, out _);
        return rsa;
    }

    static readonly ECDomainParameters Sm2Domain = Sm2Parameters();

    static ECDomainParameters Sm2Parameters()
    {
        var curve = GMNamedCurves.GetByName("sm2p256v1");
        return new ECDomainParameters(curve.Curve, curve.G, curve.N, curve.H);
    }

    ECPrivateKeyParameters Sm2Private() => _privateDer is null
        ? throw new InvalidOperationException("Only the public key of this ID² is known.")
        : new ECPrivateKeyParameters(new BigInteger(1, _privateDer), Sm2Domain);

    ECPublicKeyParameters Sm2Public() => new(Sm2Domain.Curve.DecodePoint(_publicDer), Sm2Domain);

    static byte[] Pad32(byte[] d) => d.Length == 32 ? d : [.. new byte[32 - d.Length], .. d];
}
