// ID² actions. The server API a maker's own server calls (step 3), with Alibaba's ID² server API names, parameters and
// answers (Code 200 and Data; an error's Code is the ID² error number): GetServerRandom, Verify, VerifyAndEncrypt,
// GetServerAuthCodeAndEncryptData, and the decryption helpers DecryptId2DeviceData and GetId2DeviceSecret. And the
// management actions in the platform's style (Thingyard names, docs/id2.md): ID² products and plans, quota,
// identity batches, status, the verification log and self-verification.
using System.Text;
using System.Text.Json;
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Id2;
using Thingyard.Server.Rpc;

namespace Thingyard.Server.Id2;

public static class Id2Rpc
{
    public static RpcActions AddId2Actions(this RpcActions actions) => actions
        .Add("GetServerRandom", ServerRandom)
        .Add("Verify", Verify)
        .Add("VerifyAndEncrypt", VerifyAndEncrypt)
        .Add("GetServerAuthCodeAndEncryptData", ServerAuthCode)
        .Add("DecryptId2DeviceData", DecryptDeviceData)
        .Add("GetId2DeviceSecret", DeviceSecret)
        .Add("CreateId2Product", CreateProduct)
        .Add("QueryId2ProductList", ListProducts)
        .Add("QueryId2Product", GetProduct)
        .Add("UpdateId2ProductPlan", UpdatePlan)
        .Add("AllocateId2Quota", AllocateQuota)
        .Add("GetId2Quota", Quota)
        .Add("CreateId2Batch", CreateBatch)
        .Add("ImportId2Identities", Import)
        .Add("QueryId2BatchList", ListBatches)
        .Add("ExportId2Batch", Export)
        .Add("QueryId2IdentityList", ListIdentities)
        .Add("SetId2Status", SetStatus)
        .Add("QueryId2VerificationLog", VerificationLog)
        .Add("RunId2SelfVerification", SelfVerification);

    // --- The ID² server API ---

    static async Task<object> ServerRandom(RpcCall c) =>
        new { Code = Id2Errors.Ok, Data = await c.Service<Id2Authority>().IssueChallengeAsync(c.Caller.AccountId, c.Required("Id2"), c.Ct) };

    static async Task<object> Verify(RpcCall c)
    {
        await VerifyAsync(c, "Verify", "AuthCode", "Extra");
        return new { Code = Id2Errors.Ok, Data = true };
    }

    static async Task<object> VerifyAndEncrypt(RpcCall c)
    {
        var data = c.Required("Data");
        var verified = await VerifyAsync(c, "VerifyAndEncrypt", "AuthCode", "Extra");
        return new { Code = Id2Errors.Ok, Data = Id2Authority.EncryptFor(verified, data) };
    }

    /// <summary>Mutual authentication: verifies the device's code, answers the device's challenge with the server's code
    /// (type 11 when ServerExtra is given) and encrypts Data for the device.</summary>
    static async Task<object> ServerAuthCode(RpcCall c)
    {
        c.Caller.Require(Need.Change); // it verifies and may activate, though its name reads like a query
        var data = c.Required("Data");
        var deviceChallenge = c.Required("DeviceChallenge");
        var verified = await VerifyAsync(c, "GetServerAuthCodeAndEncryptData", "DeviceAuthCode", "DeviceExtra");
        return new
        {
            Code = Id2Errors.Ok,
            Data = new
            {
                ServerAuthCode = Id2Authority.ServerAuthCode(verified, deviceChallenge, c.Optional("ServerExtra")),
                EncryptData = Id2Authority.EncryptFor(verified, data),
            },
        };
    }

    /// <summary>Data the device encrypted with id2_client_encrypt(Seed, ...), base64 in Data; answers the plain text.</summary>
    static async Task<object> DecryptDeviceData(RpcCall c)
    {
        var (identity, key) = await KnownKeyAsync(c);
        byte[] cipher;
        try { cipher = Convert.FromBase64String(c.Required("Data")); }
        catch (FormatException) { throw Id2Errors.Error(Id2Errors.InvalidData, "Data is not base64."); }
        try { return new { Code = Id2Errors.Ok, Data = Encoding.UTF8.GetString(key.SeedDecrypt(identity.Id2, c.Optional("Seed") ?? "", cipher)) }; }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or InvalidOperationException)
        { throw Id2Errors.Error(Id2Errors.InvalidData, $"Data could not be decrypted with this ID²'s key and seed: {e.Message}"); }
    }

    /// <summary>The secret id2_client_get_secret(Seed) gives the device, for keys both sides derive without sending.</summary>
    static async Task<object> DeviceSecret(RpcCall c)
    {
        var (_, key) = await KnownKeyAsync(c);
        var seed = c.Required("Seed");
        try { return new { Code = Id2Errors.Ok, Data = key.Secret(seed) }; }
        catch (InvalidOperationException e) { throw Id2Errors.Error(Id2Errors.NotSupported, e.Message); }
    }

    static Task<VerifiedId2> VerifyAsync(RpcCall c, string operation, string codeName, string extraName)
    {
        var extra = c.Optional(extraName);
        return c.Service<Id2Authority>().VerifyAsync(c.Caller.AccountId, c.Required("ProductKey"), c.Required("Id2"), c.Required(codeName),
            extra is null ? null : Encoding.UTF8.GetBytes(extra), operation, ct: c.Ct);
    }

    /// <summary>The identity and key the decryption helpers work with; refusals in the ID² server API's numbers.</summary>
    static async Task<(Id2Identity, Protocol.Id2.Id2Key)> KnownKeyAsync(RpcCall c)
    {
        Id2Product product;
        Id2Identity identity;
        try
        {
            product = await c.Service<Id2Products>().GetAsync(c.Caller, c.Required("ProductKey"), c.Ct);
            identity = await c.Service<Id2Identities>().GetAsync(c.Caller, c.Required("Id2"), c.Ct);
        }
        catch (IotException e) when (e.Code is IotErrors.ProductNotFound) { throw Id2Errors.Error(Id2Errors.ProductNotFound, e.Message); }
        catch (IotException e) when (e.Code is IotErrors.Id2NotFound) { throw Id2Errors.Error(Id2Errors.UnknownId2, e.Message); }
        if (identity.Id2ProductId != product.Id) throw Id2Errors.Error(Id2Errors.UnknownId2, $"ID² {identity.Id2} does not exist in this product.");
        Id2Authority.RequireInService(identity, activated: true);
        return (identity, c.Service<Id2Authority>().KeyOf(identity));
    }

    // --- Products, plans and quota ---

    static async Task<object> CreateProduct(RpcCall c)
    {
        var row = await c.Service<Id2Products>().CreateAsync(c.Caller, c.Optional("Name") ?? "", c.Optional("Pattern") ?? Id2Plans.OwnPattern,
            c.Optional("Carrier") ?? "km", c.Optional("KeyType") ?? "aes", c.Optional("ProductKey"), c.Bool("Whitelist") ?? false, c.Ct);
        return new { Data = Info(row) };
    }

    static async Task<object> ListProducts(RpcCall c)
    {
        var rows = await c.Service<Id2Products>().ListAsync(c.Caller, c.Ct);
        return new { Data = new { Total = rows.Count, List = new { Id2ProductInfo = rows.Select(Info) } } };
    }

    static async Task<object> GetProduct(RpcCall c) => new { Data = Info(await c.Service<Id2Products>().GetAsync(c.Caller, c.Required("ProductKey"), c.Ct)) };

    static async Task<object> UpdatePlan(RpcCall c) => new
    {
        Data = Info(await c.Service<Id2Products>().UpdatePlanAsync(c.Caller, c.Required("ProductKey"),
            new Id2PlanChange(c.Optional("Carrier"), c.Optional("KeyType"), c.Bool("Whitelist")), c.Ct)),
    };

    static async Task<object> AllocateQuota(RpcCall c)
    {
        var count = c.Long("Count") ?? throw RpcGatewayException.Missing("Count");
        return new { Data = QuotaInfo(await c.Service<Id2Products>().AllocateQuotaAsync(c.Caller, c.Required("ProductKey"), count, c.Ct)) };
    }

    static async Task<object> Quota(RpcCall c) => new { Data = QuotaInfo(await c.Service<Id2Products>().GetAsync(c.Caller, c.Required("ProductKey"), c.Ct)) };

    // --- Identities ---

    static async Task<object> CreateBatch(RpcCall c)
    {
        var count = c.Int("Count") ?? throw RpcGatewayException.Missing("Count");
        var batch = await c.Service<Id2Identities>().GenerateAsync(c.Caller, c.Required("ProductKey"), count, c.Optional("KeyType"), c.Actor, c.Ct);
        return new { Data = BatchInfo(batch, c.Required("ProductKey")) };
    }

    /// <summary>Identities bought pre-provisioned: Csv is "id2,key" lines (key hex, or base64 DER for RSA).</summary>
    static async Task<object> Import(RpcCall c)
    {
        var (batch, rejected) = await c.Service<Id2Identities>().ImportAsync(c.Caller, c.Required("ProductKey"), c.Required("KeyType"), c.Required("Csv"), c.Actor, c.Ct);
        return new { Data = new { Batch = BatchInfo(batch, c.Required("ProductKey")), Rejected = rejected.Select(r => new { r.Line, r.Id2, r.Error }) } };
    }

    static async Task<object> ListBatches(RpcCall c)
    {
        var productKey = c.Required("ProductKey");
        var page = await c.Service<Id2Identities>().ListBatchesAsync(c.Caller, productKey, c.Paging(10, 200), c.Ct);
        return new
        {
            Data = new
            {
                CurrentPage = page.Paging.Page, page.PageCount, PageSize = page.Paging.PageSize, page.Total,
                List = new { Id2BatchInfo = page.Items.Select(b => BatchInfo(b, productKey)) },
            },
        };
    }

    /// <summary>The batch's provisioning file (Format csv or km-demo), base64 in Data.Content.</summary>
    static async Task<object> Export(RpcCall c)
    {
        var file = await c.Service<Id2Identities>().ExportAsync(c.Caller, c.Required("BatchId"), c.Optional("Format") ?? Id2Provisioning.Csv, c.Ct);
        return new { Data = new { file.FileName, file.ContentType, file.Count, Content = Convert.ToBase64String(file.Content) } };
    }

    static async Task<object> ListIdentities(RpcCall c)
    {
        var page = await c.Service<Id2Identities>().ListAsync(c.Caller, c.Required("ProductKey"), c.Optional("BatchId"), c.Optional("Status"), c.Paging(20, 500), c.Ct,
            c.Optional("Id2"));
        return new
        {
            Data = new
            {
                CurrentPage = page.Paging.Page, page.PageCount, PageSize = page.Paging.PageSize, page.Total,
                List = new { Id2Info = page.Items.Select(IdentityInfo) },
            },
        };
    }

    static async Task<object> SetStatus(RpcCall c) =>
        new { Data = IdentityInfo(await c.Service<Id2Identities>().SetStatusAsync(c.Caller, c.Required("Id2"), c.Required("Status"), c.Ct)) };

    static async Task<object> VerificationLog(RpcCall c)
    {
        var page = await c.Service<Id2Log>().ListAsync(c.Caller, c.Required("ProductKey"), c.Optional("Id2"), c.Paging(20, 200), c.Ct);
        return new
        {
            Data = new
            {
                CurrentPage = page.Paging.Page, page.PageCount, PageSize = page.Paging.PageSize, page.Total,
                List = new { Id2Verification = page.Items.Select(v => new { v.Id2, v.Operation, v.Code, v.Message, Time = v.AtMs }) },
            },
        };
    }

    static async Task<object> SelfVerification(RpcCall c)
    {
        var report = await c.Service<Id2SelfVerification>().RunAsync(c.Caller, c.Required("ProductKey"), c.Required("Id2"), c.Optional("Key"),
            c.Optional("DeviceName"), c.Ct);
        return new
        {
            Data = new
            {
                report.Id2, report.ProductKey, report.Passed, report.FailedStage,
                Stages = report.Stages.Select(s => new { s.Name, s.Status, s.Detail }),
            },
        };
    }

    static object Info(Id2Product p) => new
    {
        p.ProductKey, p.Name, p.Pattern, PatternText = Id2Plans.PatternText(p.Pattern), p.Carrier, CarrierText = Id2Plans.CarrierText(p.Carrier),
        p.KeyType, p.Whitelist, Quota = QuotaInfo(p), GmtCreate = p.CreatedAtMs,
    };

    static object QuotaInfo(Id2Product p) => new { p.ProductKey, Allocated = p.QuotaAllocated, Used = p.QuotaUsed, Remaining = p.QuotaAllocated - p.QuotaUsed };

    static object BatchInfo(Id2Batch b, string productKey) => new
    {
        b.BatchId, ProductKey = productKey, b.Source, b.Carrier, b.KeyType, b.Count, b.ExportCount, LastExport = b.LastExportAtMs,
        Rejected = JsonSerializer.Deserialize<JsonElement>(b.RejectedJson), b.CreatedBy, GmtCreate = b.CreatedAtMs,
    };

    static object IdentityInfo(Id2Identity i) => new
    {
        i.Id2, i.KeyType, i.Status, i.DeviceName, i.HasPrivateKey, Activated = i.ActivatedAtMs, GmtCreate = i.CreatedAtMs,
    };
}
