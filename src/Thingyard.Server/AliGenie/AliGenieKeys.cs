// The OAuth server's keys, kept with the instance instead of ephemeral: tokens survive a restart and every instance
// sharing the data folder and master key accepts them. The signing key is an RSA key in the data folder
// (aligenie-oauth.key, owner-only, PKCS#8 encrypted with a password derived from the master key); the encryption key
// is derived from the master key itself. A key file that no longer opens (the master key was changed) is replaced,
// which ends the AliGenie links made before: end users link again.
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using Thingyard.Accounts;
using Thingyard.Common;
using Thingyard.Server.Settings;

namespace Thingyard.Server.AliGenie;

sealed class AliGenieKeys(SecretProtector secrets, InstanceOptions instance, ILogger<AliGenieKeys> log) : IConfigureOptions<OpenIddictServerOptions>
{
    public const string FileName = "aligenie-oauth.key";

    public void Configure(OpenIddictServerOptions options)
    {
        var rsa = LoadOrCreate(Path.Combine(instance.DataDir, FileName), secrets.Derive(FileName));
        var signing = new RsaSecurityKey(rsa) { KeyId = Convert.ToHexStringLower(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo()).AsSpan(0, 8)) };
        options.SigningCredentials.Add(new SigningCredentials(signing, SecurityAlgorithms.RsaSha256));
        var encryption = new SymmetricSecurityKey(Convert.FromBase64String(secrets.Derive("aligenie-oauth-encryption"))) { KeyId = "aligenie-enc-1" };
        options.EncryptionCredentials.Add(new EncryptingCredentials(encryption, SecurityAlgorithms.Aes256KW, SecurityAlgorithms.Aes256CbcHmacSha512));
    }

    RSA LoadOrCreate(string path, string password)
    {
        var rsa = RSA.Create();
        if (File.Exists(path))
        {
            try
            {
                rsa.ImportFromEncryptedPem(File.ReadAllText(path), password);
                return rsa;
            }
            catch (CryptographicException e)
            {
                log.LogWarning("The AliGenie OAuth key {Path} does not open with the current master key ({Reason}); a new key replaces it and end users link again", path, e.Message);
            }
        }
        rsa = RSA.Create(2048);
        var pem = rsa.ExportEncryptedPkcs8PrivateKeyPem(password, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 100_000));
        OwnerOnly.WriteAllBytes(path, System.Text.Encoding.ASCII.GetBytes(pem));
        return rsa;
    }
}
