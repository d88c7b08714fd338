// OpenAPI request signing on its own: RPC v1 against the example in Alibaba's documentation, ACS3-HMAC-SHA256 against a
// signature computed outside .NET (Python: sha256 of the canonical request, then HMAC-SHA256 with the secret).
using Thingyard.Protocol.OpenApi;

namespace Thingyard.Tests.Protocol;

public sealed class OpenApiSignatureTests
{
    [Fact]
    public void Rpc_v1_signs_the_documented_example()
    {
        var parameters = new Dictionary<string, string>
        {
            ["Version"] = "2014-05-26", ["Action"] = "DescribeRegions", ["Format"] = "XML", ["AccessKeyId"] = "testid",
            ["SignatureMethod"] = "HMAC-SHA1", ["SignatureNonce"] = "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf", ["SignatureVersion"] = "1.0",
            ["Timestamp"] = "2016-02-23T12:46:24Z", ["Signature"] = "ignored",
        };
        var stringToSign = PopSignatureV1.StringToSign("GET", parameters);
        Assert.Equal("GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26" +
            "SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26",
            stringToSign);
        Assert.Equal("OLeaidS1JvxuMvnyHOwuJ+uX5qY=", PopSignatureV1.Sign(stringToSign, "testsecret"));
    }

    [Theory]
    [InlineData("a b", "a%20b")]
    [InlineData("*", "%2A")]
    [InlineData("~-_.", "~-_.")]
    [InlineData("!'()", "%21%27%28%29")]
    [InlineData("中", "%E4%B8%AD")]
    public void Values_are_percent_encoded_the_way_the_sdks_encode_them(string value, string encoded) =>
        Assert.Equal(encoded, PopSignatureV1.PercentEncode(value));

    [Fact]
    public void Acs3_signs_the_canonical_request()
    {
        const string empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        var headers = new Dictionary<string, string>
        {
            ["host"] = "ecs.cn-shanghai.aliyuncs.com", ["x-acs-action"] = "RunInstances", ["x-acs-content-sha256"] = empty,
            ["x-acs-date"] = "2023-10-26T10:22:32Z", ["x-acs-signature-nonce"] = "3156853299f313e23d1673dc12e1703d", ["x-acs-version"] = "2014-05-26",
        };
        var query = Acs3Signature.CanonicalQuery(new Dictionary<string, string>
        {
            ["RegionId"] = "cn-shanghai", ["ImageId"] = "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd", ["Action"] = "RunInstances",
        });
        var request = Acs3Signature.CanonicalRequest("POST", "/", query, headers.Keys.ToList(), h => [headers[h]], Acs3Signature.Sha256Hex([]));
        var stringToSign = Acs3Signature.StringToSign(request);
        Assert.Equal("ACS3-HMAC-SHA256\nf5f94fd40e5c0ca62ae73a6933c752a7b49cc5698c861086745c4182d308d13d", stringToSign);
        Assert.Equal("987cab771a1e8b9c33f1ed0e7acc2063c00ac0f20d1886ffc09b06a62877c7d1", Acs3Signature.Sign(stringToSign, "YourAccessKeySecret"));
    }

    [Theory]
    [InlineData("ACS3-HMAC-SHA256 Credential=AK1,SignedHeaders=host;x-acs-date,Signature=abc", "AK1", 2, "abc")]
    [InlineData("ACS3-HMAC-SHA256 Credential=AK1, SignedHeaders=host, Signature=abc", "AK1", 1, "abc")]
    public void The_authorization_header_is_read(string header, string key, int signedHeaders, string signature)
    {
        var auth = Acs3Signature.ParseAuthorization(header)!;
        Assert.Equal(key, auth.AccessKeyId);
        Assert.Equal(signedHeaders, auth.SignedHeaders.Count);
        Assert.Equal(signature, auth.Signature);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("HMAC-SHA256 Credential=AK1,SignedHeaders=host,Signature=abc")]
    [InlineData("ACS3-HMAC-SHA256 Credential=,SignedHeaders=host,Signature=abc")]
    [InlineData("ACS3-HMAC-SHA256 Credential=AK1,Signature=abc")]
    [InlineData("ACS3-HMAC-SHA256 Credential=AK1,SignedHeaders=host")]
    public void A_malformed_authorization_header_is_no_authorization(string? header) => Assert.Null(Acs3Signature.ParseAuthorization(header));
}
