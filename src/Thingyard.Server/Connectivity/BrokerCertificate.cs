// The TLS certificate of the device ports (MQTT 8883, device HTTPS): the configured PFX, or a self-signed one made once
// and kept in the data folder, with its public half beside it as PEM (mqtt-tls.crt) for devices to trust, e.g.
// NODE_EXTRA_CA_CERTS for Node. The generated key is RSA: the mbedTLS bundled with Alibaba's C device SDKs handles no
// ECDSA certificate and uses RSA key exchange, which also needs the keyEncipherment usage.
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Thingyard.Server.Settings;

namespace Thingyard.Server.Connectivity;

public static class BrokerCertificate
{
    public const string FileName = "mqtt-tls.pfx";
    public const string PemFileName = "mqtt-tls.crt";

    public static X509Certificate2 Load(MqttOptions mqtt, SecurityOptions security, string dataDir, ILogger log)
    {
        if (!string.IsNullOrEmpty(mqtt.CertificatePath))
        {
            var configured = X509CertificateLoader.LoadPkcs12FromFile(mqtt.CertificatePath, mqtt.CertificatePassword);
            if (!IsRsa(configured))
                log.LogWarning("The TLS certificate {Path} has no RSA key: devices on Alibaba's C SDKs (mbedTLS) cannot connect to the device TLS ports", mqtt.CertificatePath);
            return configured;
        }

        var path = Path.Combine(dataDir, FileName);
        var pem = Path.Combine(dataDir, PemFileName);
        var password = CertificatePassword.For(security, dataDir);
        if (!File.Exists(path))
        {
            Write(path, pem, CreateSelfSigned(), password);
            log.LogWarning("Generated a self-signed TLS certificate for the device ports at {Path} (devices trust {Pem}); configure Thingyard:Mqtt:CertificatePath for production", path, pem);
        }
        var certificate = CertificatePassword.Load(security, path, password);
        if (!IsRsa(certificate))
        {
            // Made by an earlier version (ECDSA P-256), never configured by the user: replace it.
            certificate.Dispose();
            certificate = Write(path, pem, CreateSelfSigned(), password);
            log.LogWarning("Replaced the generated ECDSA TLS certificate at {Path} with an RSA one, which the C device SDKs' mbedTLS accepts; devices that trusted the old one must trust the new {Pem}", path, pem);
        }
        if (!File.Exists(pem)) File.WriteAllText(pem, certificate.ExportCertificatePem() + "\n");
        return certificate;
    }

    public static bool IsRsa(X509Certificate2 certificate)
    {
        using var rsa = certificate.GetRSAPublicKey();
        return rsa is not null;
    }

    /// <summary>Writes the PFX (owner-only and password-protected: it holds the private key) and the PEM; returns the
    /// certificate as loaded back.</summary>
    static X509Certificate2 Write(string path, string pem, X509Certificate2 certificate, string password)
    {
        File.Delete(path); // a fresh file gets the owner-only mode
        Thingyard.Common.OwnerOnly.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        File.WriteAllText(pem, certificate.ExportCertificatePem() + "\n");
        certificate.Dispose();
        return X509CertificateLoader.LoadPkcs12FromFile(path, password);
    }

    static X509Certificate2 CreateSelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=thingyard", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        names.AddIpAddress(System.Net.IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));
    }
}
