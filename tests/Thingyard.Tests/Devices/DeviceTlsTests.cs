// TLS on the device ports as Alibaba's C device SDKs see it: their bundled mbedTLS has no ECDSA and only RSA key
// exchange suites, TLS 1.2. The client here is restricted the same way and trusts nothing but the generated
// certificate (mqtt-tls.crt); it connects over MQTT TLS and registers over the device HTTPS port, and is refused
// (and logged) where the server's policy is modern.
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Thingyard.Protocol.Signing;
using Thingyard.Server.Connectivity;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;

namespace Thingyard.Tests.Devices;

/// <summary>The default (compatible) policy with the device HTTPS port on a free port.</summary>
public sealed class DeviceTlsServer : ThingyardServer
{
    public DeviceTlsServer()
    {
        Settings["Thingyard:Mqtt:DeviceHttpsPort"] = "0";
        Settings["Logging:LogLevel:Thingyard.Server.Connectivity.DeviceTls"] = "Information";
    }
}

public sealed class ModernTlsServer : ThingyardServer
{
    public ModernTlsServer()
    {
        Settings["Thingyard:Mqtt:DeviceHttpsPort"] = "0";
        Settings["Thingyard:Mqtt:TlsPolicy"] = "modern";
        Settings["Logging:LogLevel:Thingyard.Server.Connectivity.DeviceTls"] = "Information";
    }
}

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // clients restricted to some suites need CipherSuitesPolicy
public sealed class DeviceTlsTests(DeviceTlsServer server, ModernTlsServer modern) : IClassFixture<DeviceTlsServer>, IClassFixture<ModernTlsServer>
{
    /// <summary>A TLS 1.2 client offering one suite (by default what the 3.x SDK's mbedTLS prefers) and trusting only
    /// the server's generated certificate, checked as a chain to it, with the host name.</summary>
    static async Task<SslStream> MbedTlsLikeClientAsync(ThingyardServer at, int port, TlsCipherSuite suite = TlsCipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA256)
    {
        var trusted = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(at.CertificatePem));
        var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                EnabledSslProtocols = SslProtocols.Tls12,
                CipherSuitesPolicy = new CipherSuitesPolicy([suite]),
                RemoteCertificateValidationCallback = (_, certificate, _, errors) => TrustedOnly(certificate, errors, trusted),
            }).WaitAsync(TimeSpan.FromSeconds(15));
            return ssl;
        }
        catch
        {
            await ssl.DisposeAsync();
            throw;
        }
    }

    static bool TrustedOnly(X509Certificate? presented, SslPolicyErrors errors, X509Certificate2 trusted)
    {
        if (presented is not X509Certificate2 certificate || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    static void AssertRsa2048(SslStream ssl, TlsCipherSuite suite)
    {
        Assert.Equal(suite, ssl.NegotiatedCipherSuite);
        Assert.Equal(SslProtocols.Tls12, ssl.SslProtocol);
        using var rsa = ((X509Certificate2)ssl.RemoteCertificate!).GetRSAPublicKey();
        Assert.NotNull(rsa);
        Assert.Equal(2048, rsa.KeySize);
    }

    static Dictionary<string, string> RegistrationForm(string pk, string dn, string productSecret) => new()
    {
        ["productKey"] = pk,
        ["deviceName"] = dn,
        ["random"] = "8Ygb7ULYh53B6OA",
        ["sign"] = DeviceSignature.Sign("hmacsha256", productSecret, $"deviceName{dn}productKey{pk}random8Ygb7ULYh53B6OA"),
        ["signMethod"] = "hmacsha256",
    };

    [Theory]
    [InlineData(TlsCipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA256)]
    [InlineData(TlsCipherSuite.TLS_RSA_WITH_AES_256_CBC_SHA256)]
    [InlineData(TlsCipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA)]
    [InlineData(TlsCipherSuite.TLS_RSA_WITH_AES_256_CBC_SHA)]
    [InlineData(TlsCipherSuite.TLS_RSA_WITH_AES_128_GCM_SHA256)]
    [InlineData(TlsCipherSuite.TLS_RSA_WITH_AES_256_GCM_SHA384)]
    public async Task An_rsa_key_exchange_client_connects_a_registered_device_over_mqtt_tls(TlsCipherSuite suite)
    {
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        await using var ssl = await MbedTlsLikeClientAsync(server, server.MqttTlsPort, suite);
        AssertRsa2048(ssl, suite);

        var (clientId, username, password) = DeviceKit.Credentials(d, new ConnectStyle { SecureMode = "2" });
        Assert.Equal(0, await RawMqttConnection.ConnectOverAsync(ssl, clientId, username, password));
        Assert.Equal("ONLINE", await server.EventuallyStatusAsync(d, "ONLINE"));
    }

    [Fact]
    public async Task An_rsa_key_exchange_client_registers_over_device_https_and_connects_with_the_secret()
    {
        var (pk, productSecret) = await server.NewRegistrationProductAsync();
        var dn = (await server.NewTestDeviceAsync(pk)).DeviceName;

        RawHttpResponse answer;
        await using (var https = await MbedTlsLikeClientAsync(server, server.DeviceHttpsPort))
        {
            AssertRsa2048(https, TlsCipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA256);
            answer = await RawHttp.SendAsync(https, "POST", "/auth/register/device", RegistrationForm(pk, dn, productSecret));
        }
        Assert.Equal(200, answer.Status);
        RawHttp.AssertContentLength(answer);
        var root = JsonDocument.Parse(answer.Body).RootElement;
        Assert.Equal(200, root.GetProperty("code").GetInt32());

        var d = new TestDevice(pk, dn, root.Str("data.deviceSecret"), "");
        await using var mqtts = await MbedTlsLikeClientAsync(server, server.MqttTlsPort);
        var (clientId, username, password) = DeviceKit.Credentials(d, new ConnectStyle { SecureMode = "2" });
        Assert.Equal(0, await RawMqttConnection.ConnectOverAsync(mqtts, clientId, username, password));
    }

    [Fact]
    public async Task Device_https_serves_modern_clients_too()
    {
        var trusted = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(modern.CertificatePem));
        using var http = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, errors) => TrustedOnly(certificate, errors, trusted) },
        }) { BaseAddress = new Uri($"https://localhost:{modern.DeviceHttpsPort}") };
        var bootstrap = await http.GetAsync("/auth/bootstrap/regionId/cn-shanghai");
        var answer = await Json.JsonOf(bootstrap, System.Net.HttpStatusCode.OK);
        Assert.Equal(modern.MqttPort, answer.At("data.resources.mqtt.port").GetInt32());
        Assert.Equal(200, (int)(await http.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task The_modern_policy_refuses_rsa_key_exchange_on_both_ports_and_logs_why()
    {
        foreach (var (port, name) in new[] { (modern.MqttTlsPort, "MQTT TLS"), (modern.DeviceHttpsPort, "device HTTPS") })
        {
            await Assert.ThrowsAsync<AuthenticationException>(() => MbedTlsLikeClientAsync(modern, port));
            var line = await ConnectivityCalls.EventuallyAsync(() => Task.FromResult(Failures(modern, name).FirstOrDefault()), l => l is not null);
            Assert.NotNull(line);
            Assert.Equal(LogLevel.Information, line.Level);
            Assert.Contains("from 127.0.0.1:", line.Message);
            Assert.Contains("no shared cipher", line.Message);
        }
        Assert.True(modern.Services.GetRequiredService<ConnectivityStats>().TlsHandshakeFailures >= 2);
    }

    [Fact]
    public async Task A_plain_mqtt_client_on_the_tls_port_is_logged_with_its_address_and_the_reason()
    {
        var before = Failures(server, "MQTT TLS").Count;
        using (var tcp = new TcpClient())
        {
            // A device configured for mqtt:// but pointed at 8883: its CONNECT is no TLS ClientHello.
            await tcp.ConnectAsync("127.0.0.1", server.MqttTlsPort);
            var stream = tcp.GetStream();
            await stream.WriteAsync("\u0010\u0010\u0000\u0004MQTT\u0004\u0002\u0000\u003c\u0000\u0004test"u8.ToArray());
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            using var answer = new MemoryStream();
            try { await stream.CopyToAsync(answer, timeout.Token); } catch (IOException) { } // closed (perhaps after a TLS alert)
            Assert.False(answer.Length > 0 && answer.GetBuffer()[0] == 0x20, "a CONNACK over plain TCP on the TLS port");
        }
        var lines = await ConnectivityCalls.EventuallyAsync(() => Task.FromResult(Failures(server, "MQTT TLS")), l => l.Count > before);
        var line = Assert.Single(lines.Skip(before)).Message;
        Assert.Matches(@"^TLS handshake failed on MQTT TLS from 127\.0\.0\.1:\d+: \S", line);
    }

    static List<LogLine> Failures(ThingyardServer at, string port) =>
        at.Logs.Lines.Where(l => l.Category == typeof(DeviceTls).FullName && l.Message.StartsWith($"TLS handshake failed on {port} ")).ToList();
}
