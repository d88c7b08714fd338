// The data folder holds the database, the master key, the admin key and the TLS key: it is 0700 and they are 0600,
// SQLite's -wal and -shm included, whatever the umask and whatever an older install left behind. The generated TLS
// key is encrypted with a password derived from the master key and still serves TLS.
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Devices;
using Thingyard.Tests.Infrastructure;

namespace Thingyard.Tests.Storage;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DataFolderTests
{
    const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    const UnixFileMode OwnerFolder = OwnerFile | UnixFileMode.UserExecute;
    const UnixFileMode Open = OwnerFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    static void AssertMode(UnixFileMode expected, string path) =>
        Assert.True(expected == File.GetUnixFileMode(path), $"{Path.GetFileName(path)} is {File.GetUnixFileMode(path)}, expected {expected}");

    /// <summary>A server that generates its admin key (so admin-accesskey.txt is written) and a TLS certificate.</summary>
    static ThingyardServer GeneratingServer()
    {
        var server = new ThingyardServer();
        server.Settings["Thingyard:Admin:AccessKeyId"] = "";
        server.Settings["Thingyard:Admin:AccessKeySecret"] = "";
        return server;
    }

    void AssertOwnerOnly(ThingyardServer server)
    {
        AssertMode(OwnerFolder, server.DataDir);
        foreach (var name in new[] { "master.key", "admin-accesskey.txt", "mqtt-tls.pfx" })
            AssertMode(OwnerFile, Path.Combine(server.DataDir, name));
        if (TestDatabase.IsPostgres) return;
        foreach (var name in new[] { "thingyard.db", "thingyard.db-wal", "thingyard.db-shm" })
            AssertMode(OwnerFile, Path.Combine(server.DataDir, name));
    }

    [Fact]
    public async Task A_new_data_folder_and_everything_in_it_are_owner_only()
    {
        await using var server = GeneratingServer();
        await server.InitializeAsync();
        AssertOwnerOnly(server);

        var pfx = Path.Combine(server.DataDir, "mqtt-tls.pfx");
        Assert.ThrowsAny<CryptographicException>(() => X509CertificateLoader.LoadPkcs12FromFile(pfx, null));
    }

    [Fact]
    public async Task An_older_install_is_narrowed_and_its_password_less_tls_key_gets_a_password()
    {
        await using var server = new ThingyardServer(); // configured admin key: the old admin-accesskey.txt stays as it is
        // The stand-in database below is an empty file, which would otherwise read as a lost database.
        server.Settings["Thingyard:Storage:AllowNewDatabase"] = "true";
        Directory.CreateDirectory(server.DataDir);
        File.SetUnixFileMode(server.DataDir, OwnerFolder | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var files = new Dictionary<string, byte[]>
        {
            ["master.key"] = System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))),
            ["admin-accesskey.txt"] = "AccessKeyId=old\n"u8.ToArray(),
            ["mqtt-tls.pfx"] = SelfSigned().Export(X509ContentType.Pfx),
            ["thingyard.db"] = [],
        };
        foreach (var (name, bytes) in files)
        {
            File.WriteAllBytes(Path.Combine(server.DataDir, name), bytes);
            File.SetUnixFileMode(Path.Combine(server.DataDir, name), Open);
        }

        await server.InitializeAsync();
        AssertOwnerOnly(server);
        Assert.ThrowsAny<CryptographicException>(() => X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(server.DataDir, "mqtt-tls.pfx"), null));

        // The re-protected key still serves TLS: a device connects over mqtts.
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        await using var device = await DeviceKit.ConnectAsync(server, d, new ConnectStyle { SecureMode = "2", Tls = true });
        Assert.Equal(MqttClientConnectResultCode.Success, device.ConnectResult!.ResultCode);
    }

    static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=thingyard", key, HashAlgorithmName.SHA256);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }
}
