// Device CONNECT signing and its check, against HMACs computed outside .NET (Python's hmac module) for
// "clientIda1PK&dev1deviceNamedev1productKeya1PKtimestamp1795374847728" keyed with "secret123".
using Thingyard.Protocol.Devices;
using Thingyard.Protocol.Signing;

namespace Thingyard.Tests.Protocol;

public sealed class DeviceSignatureTests
{
    const string Content = "clientIda1PK&dev1deviceNamedev1productKeya1PKtimestamp1795374847728";
    static readonly Dictionary<string, string> Signed = new()
    {
        ["timestamp"] = "1795374847728", ["productKey"] = "a1PK", ["clientId"] = "a1PK&dev1", ["deviceName"] = "dev1",
    };

    [Theory]
    [InlineData("hmacmd5", "616f36e7ddd7c04fb760fad8271d9c6d")]
    [InlineData("hmacsha1", "3d5cb9abb8380e5f543cd16ae5d1b0921cfb2741")]
    [InlineData("hmacsha256", "b21e2e70a3d20743b4dde4903a1150d71fd9110a59d2abda161505f7ed7a4180")]
    [InlineData("HmacSHA256", "b21e2e70a3d20743b4dde4903a1150d71fd9110a59d2abda161505f7ed7a4180")]
    [InlineData("sha256", "b21e2e70a3d20743b4dde4903a1150d71fd9110a59d2abda161505f7ed7a4180")]
    public void Each_sign_method_gives_the_known_hmac(string method, string expected)
    {
        Assert.Equal(Content, DeviceSignature.Content(Signed));
        Assert.Equal(expected, DeviceSignature.Sign(method, "secret123", Content));
        Assert.True(DeviceSignature.Verify("secret123", method, Signed, expected));
    }

    [Fact]
    public void Upper_case_hex_is_accepted_as_the_c_sdk_sends_it() =>
        Assert.True(DeviceSignature.Verify("secret123", "hmacsha256", Signed, "B21E2E70A3D20743B4DDE4903A1150D71FD9110A59D2ABDA161505F7ED7A4180"));

    [Fact]
    public void A_declared_sha256_signed_with_sha1_passes_as_the_node_sdk_does_it() =>
        Assert.True(DeviceSignature.Verify("secret123", "hmacsha256", Signed, "3d5cb9abb8380e5f543cd16ae5d1b0921cfb2741"));

    [Theory]
    [InlineData("secret124", "hmacsha1", "3d5cb9abb8380e5f543cd16ae5d1b0921cfb2741")]
    [InlineData("secret123", "hmacsha1", "616f36e7ddd7c04fb760fad8271d9c6d")] // md5 declared as sha1: no fallback to md5
    [InlineData("secret123", "hmacsha1", "")]
    [InlineData("secret123", "hmacsha1", "not hex at all")]
    public void A_wrong_secret_method_or_signature_is_refused(string secret, string method, string signature) =>
        Assert.False(DeviceSignature.Verify(secret, method, Signed, signature));

    [Fact]
    public void The_sdk_connect_credentials_carry_the_signed_fields_and_the_extras()
    {
        var c = DeviceCredentials.Create(new DeviceTriplet("a1PK", "dev1", "secret123"), new CredentialOptions
        {
            Timestamp = 1795374847728, Extra = [new("_ss", "1"), new("lan", "C")],
        });
        Assert.Equal("a1PK&dev1|securemode=3,signmethod=hmacsha1,timestamp=1795374847728,_ss=1,lan=C|", c.ClientId);
        Assert.Equal("dev1&a1PK", c.UserName);
        Assert.Equal("3d5cb9abb8380e5f543cd16ae5d1b0921cfb2741", c.Password);
    }

    [Fact]
    public void Without_a_timestamp_it_is_neither_sent_nor_signed()
    {
        var c = DeviceCredentials.Create(new DeviceTriplet("a1PK", "dev1", "secret123"), new CredentialOptions { Timestamp = null, SecureMode = "2" });
        Assert.Equal("a1PK&dev1|securemode=2,signmethod=hmacsha1|", c.ClientId);
        Assert.Equal(DeviceSignature.Sign("hmacsha1", "secret123", "clientIda1PK&dev1deviceNamedev1productKeya1PK"), c.Password);
    }

    [Fact]
    public void The_registration_sign_covers_device_name_product_key_and_random() =>
        Assert.Equal(DeviceSignature.Sign("hmacsha256", "psecret", "deviceNamedev1productKeya1PKrandom123"),
            DeviceCredentials.RegistrationSign("hmacsha256", "psecret", "a1PK", "dev1", "123"));
}
