// The server side of TLS on the device ports (MQTT over TLS, device HTTPS): one certificate, the configured cipher
// suites, a handshake deadline, and one log line per failed handshake with the device's address and the reason
// (MQTTnet's own TLS listener logs neither and waits for a silent client forever; Kestrel logs failures at Debug).
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Thingyard.Server.Settings;

namespace Thingyard.Server.Connectivity;

public sealed class DeviceTls
{
    /// <summary>Thingyard:Mqtt:ConnectTimeoutSeconds, the same bound a CONNECT has.</summary>
    public TimeSpan HandshakeTimeout { get; }

    readonly Lazy<SslStreamCertificateContext> _certificate;
    readonly CipherSuitesPolicy? _suites;
    readonly HandshakeFailureLog _failures;
    readonly ConnectivityStats _stats;
    readonly ILogger<DeviceTls> _log;

    public DeviceTls(MqttOptions mqtt, SecurityOptions security, InstanceOptions instance, ConnectivityStats stats, ILogger<DeviceTls> log)
    {
        _stats = stats;
        _log = log;
        _failures = new HandshakeFailureLog(log);
        HandshakeTimeout = TimeSpan.FromSeconds(mqtt.ConnectTimeoutSeconds);
        Policy = mqtt.TlsPolicy;
        _suites = DeviceCipherSuites.PolicyFor(Policy);
        if (_suites is null)
            log.LogWarning("This platform cannot restrict TLS cipher suites: Thingyard:Mqtt:TlsPolicy {Policy} is not applied, the system's suites are offered", Policy);
        _certificate = new(() =>
        {
            var certificate = BrokerCertificate.Load(mqtt, security, instance.DataDir, log);
            log.LogInformation("Device TLS: certificate {Subject} ({Key}), cipher suites {Policy}", certificate.Subject, KeyOf(certificate), Policy.ToString().ToLowerInvariant());
            return SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true);
        });
    }

    public DeviceTlsPolicy Policy { get; }

    /// <summary>Loaded (or generated) on first use, so a server with no device TLS port never makes one.</summary>
    public X509Certificate2 Certificate => _certificate.Value.TargetCertificate;

    /// <summary>Runs the server handshake over the transport; null when it failed (logged, counted, the transport
    /// disposed). The stream returned owns the transport.</summary>
    public async Task<SslStream?> AuthenticateAsync(Stream transport, EndPoint? remote, string port, CancellationToken ct)
    {
        remote = RemoteAddress.UnmappedEndPoint(remote);
        var ssl = new SslStream(transport, leaveInnerStreamOpen: false);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(HandshakeTimeout);
        try
        {
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificateContext = _certificate.Value,
                CipherSuitesPolicy = _suites,
                ClientCertificateRequired = false,
            }, deadline.Token);
            _log.LogDebug("TLS {Protocol} {Suite} with {Remote} on {Port}", ssl.SslProtocol, ssl.NegotiatedCipherSuite, remote, port);
            return ssl;
        }
        catch (Exception e)
        {
            await ssl.DisposeAsync();
            if (ct.IsCancellationRequested) return null; // the server is stopping
            _stats.TlsHandshakeFailed();
            _failures.Report(port, remote, e is OperationCanceledException ? $"no handshake within {HandshakeTimeout.TotalSeconds:0} s" : Innermost(e).Message);
            return null;
        }
    }


    /// <summary>OpenSSL's own words are at the bottom ("no shared cipher", "tlsv1 alert unknown ca", ...).</summary>
    static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }

    static string KeyOf(X509Certificate2 certificate)
    {
        using var rsa = certificate.GetRSAPublicKey();
        if (rsa is not null) return $"RSA {rsa.KeySize}";
        using var ec = certificate.GetECDsaPublicKey();
        return ec is not null ? $"ECDSA {ec.KeySize}" : certificate.PublicKey.Oid.FriendlyName ?? "unknown key";
    }
}
