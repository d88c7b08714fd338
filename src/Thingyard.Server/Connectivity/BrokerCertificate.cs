// The TLS certificate for port 8883: the configured PFX, or a self-signed one made once and kept in the data folder,
// with its public half beside it as PEM (mqtt-tls.crt) for devices to trust, e.g. NODE_EXTRA_CA_CERTS for Node.
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Thingyard.Server.Hosting;

namespace Thingyard.Server.Connectivity;

public static class BrokerCertificate
{
    public const string FileName = "mqtt-tls.pfx";
    public const string PemFileName = "mqtt-tls.crt";

    public static X509Certificate2 Load(ThingyardOptions options, ILogger log)
    {
        var mqtt = options.Mqtt;
        if (!string.IsNullOrEmpty(mqtt.CertificatePath))
            return X509CertificateLoader.LoadPkcs12FromFile(mqtt.CertificatePath, mqtt.CertificatePassword);

        var path = Path.Combine(options.DataDir, FileName);
        var pem = Path.Combine(options.DataDir, PemFileName);
        var password = CertificatePassword.For(options);
        if (!File.Exists(path))
        {
            Thingyard.Common.OwnerOnly.WriteAllBytes(path, CreateSelfSigned().Export(X509ContentType.Pfx, password));
            log.LogWarning("Generated a self-signed MQTT TLS certificate at {Path} (devices trust {Pem}); configure Thingyard:Mqtt:CertificatePath for production", path, pem);
        }
        var certificate = CertificatePassword.Load(options, path, password);
        if (!File.Exists(pem)) File.WriteAllText(pem, certificate.ExportCertificatePem() + "\n");
        return certificate;
    }

    static X509Certificate2 CreateSelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=thingyard", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        names.AddIpAddress(System.Net.IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));
    }
}
