// How a device of an IoT product with ID² connects (Thingyard's choice where the C Link SDK uses Alibaba's unpublished
// iTLS handshake; docs/id2.md): client id "{pk}.{dn}|timestamp={ms},authtype=id2,id2={ID²},...|" (securemode 8 is
// accepted too), username "{dn}&{pk}" as always, and password the ID² timestamp auth code of that timestamp with the
// username as extra (type 3), or a challenge code (type 2, username as extra) for a challenge from GetServerRandom.
// The extra binds the code to the device name, so a code seen on the wire cannot log in as another device, and each
// code is accepted once. The first connect activates the identity (quota) and binds it to the device name; a device not
// yet registered registers itself under that name unless the product keeps an ID² whitelist.
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Connectivity;
using Thingyard.Protocol.Devices;
using Thingyard.Protocol.Id2;
using Thingyard.Registry;
using Thingyard.Storage;

namespace Thingyard.Id2;

public sealed class Id2DeviceLogin(IDbContextFactory<ThingyardDb> dbs, Id2Authority authority, DeviceDirectory directory, DeviceChanges changes,
    IServiceScopeFactory scopes) : IId2Login
{
    public const string Operation = "Connect";

    public async Task<ConnectDecision> DecideAsync(string productKey, string deviceName, MqttClientId clientId, string password, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var product = await db.Id2Products.AsNoTracking().FirstOrDefaultAsync(p => p.ProductKey == productKey && p.Pattern == Id2Plans.IotPattern, ct);
        if (product is null) return Refuse(ConnectRefusal.BadCredentials, $"product {productKey} does not use ID² on this platform");

        var id2 = clientId["id2"] is { } named ? Id2Identifier.Normalize(named)
            : await db.Id2Identities.Where(i => i.Id2ProductId == product.Id && i.DeviceName == deviceName).Select(i => i.Id2).FirstOrDefaultAsync(ct);
        if (id2 is null) return Refuse(ConnectRefusal.BadCredentials, "no ID² given (id2=... in the client id) and none is bound to this device");
        var bound = await db.Id2Identities.AsNoTracking().Where(i => i.Id2 == id2 && i.Id2ProductId == product.Id).Select(i => i.DeviceName).FirstOrDefaultAsync(ct);
        if (bound is not null && bound != deviceName) return Refuse(ConnectRefusal.NotAuthorized, $"ID² {id2} is bound to device {bound}, not {deviceName}");

        var code = Id2AuthCode.ParseDevice(password, out var malformed);
        if (code is null) return Refuse(ConnectRefusal.BadCredentials, $"the password is not an ID² auth code: {malformed}");
        if (code.IsTimestamp && clientId["timestamp"] is { } stamp && stamp != code.ServerRandom)
            return Refuse(ConnectRefusal.BadCredentials, "the auth code's timestamp is not the client id's timestamp");

        var device = await directory.FindAsync(productKey, deviceName, ct);
        if (device is null && product.Whitelist)
            return Refuse(ConnectRefusal.NotAuthorized, $"device {deviceName} is not registered and product {productKey} keeps an ID² whitelist");
        // Before the auth code is checked: a device that may not connect anyway spends no quota.
        if (device is not null && ConnectDecision.ForState(device) is { } refused) return refused;

        try
        {
            var verified = await authority.VerifyAsync(product.AccountId, productKey, id2, password, Encoding.UTF8.GetBytes($"{deviceName}&{productKey}"), Operation, deviceName, ct);
            // Activated earlier through the server API or self-verification, with no device: this connect binds it.
            if (verified.Identity.DeviceName is null)
                await db.Id2Identities.Where(i => i.Id == verified.Identity.Id && i.DeviceName == null).ExecuteUpdateAsync(s => s.SetProperty(i => i.DeviceName, deviceName), ct);
        }
        catch (IotException e)
        {
            var why = $"ID² {e.Code}: {e.Message}";
            return Refuse(Id2Errors.CodeOf(e) is Id2Errors.QuotaExhausted or Id2Errors.Suspended or Id2Errors.Revoked ? ConnectRefusal.NotAuthorized : ConnectRefusal.BadCredentials, why);
        }

        if (device is null)
        {
            await using var scope = scopes.CreateAsyncScope();
            try
            {
                var row = await scope.ServiceProvider.GetRequiredService<DeviceRegistry>().RegisterAsync(Caller.Account(product.AccountId), productKey, deviceName, null, ct);
                changes.Publish(DeviceChangeKind.Created, row);
            }
            catch (IotException e) when (e.Code == IotErrors.DeviceNameExists) { directory.Invalidate(productKey, deviceName); }
            catch (IotException e) { return Refuse(ConnectRefusal.BadRequest, $"the device could not register itself: {e.Message}"); }
            device = await directory.FindAsync(productKey, deviceName, ct);
            if (device is null) return Refuse(ConnectRefusal.BadRequest, "the device could not register itself");
        }
        return ConnectDecision.Session(device, ClientFeatures.Of(clientId));
    }

    static ConnectDecision Refuse(ConnectRefusal why, string reason) => ConnectDecision.Refuse(why, reason);
}
