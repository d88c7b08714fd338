// Which cipher suites the device TLS ports (MQTT over TLS, device HTTPS) offer. Alibaba's C device SDKs bundle an mbedTLS
// built for RSA key exchange only (3.x: TLS_RSA_WITH_AES_128/256_CBC_SHA256 and _CBC_SHA; 4.x also the two GCM ones),
// which .NET on Linux does not offer by default: it offers forward-secret ECDHE suites and TLS 1.3 only (Modern).
using System.Net.Security;

namespace Thingyard.Server.Connectivity;

public enum DeviceTlsPolicy
{
    /// <summary>The modern suites first, then the RSA key exchange suites the C SDKs need.</summary>
    Compatible,
    /// <summary>TLS 1.3 and forward-secret ECDHE suites only, as .NET offers by default on Linux.</summary>
    Modern,
}

public static class DeviceCipherSuites
{
    public static readonly TlsCipherSuite[] Modern =
    [
        TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384,
    ];

    /// <summary>RSA key exchange (no forward secrecy), for mbedTLS devices; needs an RSA certificate.</summary>
    public static readonly TlsCipherSuite[] RsaKeyExchange =
    [
        TlsCipherSuite.TLS_RSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA256,
        TlsCipherSuite.TLS_RSA_WITH_AES_256_CBC_SHA256,
        TlsCipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA,
        TlsCipherSuite.TLS_RSA_WITH_AES_256_CBC_SHA,
    ];

    public static IReadOnlyList<TlsCipherSuite> Of(DeviceTlsPolicy policy) =>
        policy == DeviceTlsPolicy.Modern ? Modern : [.. Modern, .. RsaKeyExchange];

    /// <summary>The policy for SslStream; null on Windows, where .NET cannot restrict suites (the system's list applies).</summary>
    public static CipherSuitesPolicy? PolicyFor(DeviceTlsPolicy policy) =>
        OperatingSystem.IsWindows() ? null : new CipherSuitesPolicy(Of(policy));
}
