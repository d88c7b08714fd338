// `thingyard share devices|revoke|revoke-product|list|products|authorized|publish|pool`: device authorization between
// accounts and the public pool (AuthorizeDevices, RevokeDeviceAuthorization, RevokeProductAuthorization,
// QueryDeviceAuthorizationList, QueryProductAuthorizationList, QueryAuthorizedProductList, AuthorizeProductToPublicPool,
// QueryPublicProductList; docs/sharing.md).
using System.CommandLine;
using Thingyard.Cli.Output;

namespace Thingyard.Cli.Commands;

public static class ShareCommands
{
    public static Command Build(CliContext cli) => new("share", "Authorize devices to other accounts, and products to the public pool")
    {
        Devices(cli), Revoke(cli), RevokeProduct(cli), List(cli), Products(cli), Authorized(cli), Publish(cli), Pool(cli),
    };

    /// <summary>The other account, by uid or by name (one of the two), as TargetUid / TargetAccountName.</summary>
    internal sealed class Target
    {
        public readonly Option<string> Uid = new("--to-uid") { Description = "The other account's uid" };
        public readonly Option<string> Name = new("--to-name") { Description = "The other account's name" };

        public void AddTo(Command command)
        {
            command.Add(Uid);
            command.Add(Name);
        }

        public void Put(ParseResult r, RpcParams p)
        {
            p.Add("TargetUid", r.GetValue(Uid));
            p.Add("TargetAccountName", r.GetValue(Name));
        }

        public string Describe(ParseResult r) => r.GetValue(Uid) ?? r.GetValue(Name) ?? "?";
    }

    /// <summary>A product's devices for another account: PRODUCT_KEY DEVICE_NAME... and --to-uid or --to-name.</summary>
    internal sealed class DevicesTo
    {
        public readonly Argument<string> ProductKey = Pk();
        public readonly Argument<string[]> Names = new("DEVICE_NAME") { Description = "The devices (1 to 100)", Arity = ArgumentArity.OneOrMore };
        public readonly Target Target = new();

        public Command AddTo(Command command)
        {
            command.Add(ProductKey);
            command.Add(Names);
            Target.AddTo(command);
            return command;
        }

        /// <summary>ProductKey, DeviceName.N and the target, as AuthorizeDevices and CreateDeviceTransfer take them.</summary>
        public RpcParams Params(ParseResult r)
        {
            var p = new RpcParams { { "ProductKey", r.GetValue(ProductKey) } };
            var names = r.GetValue(Names)!;
            for (var i = 0; i < names.Length; i++) p.Add($"DeviceName.{i + 1}", names[i]);
            Target.Put(r, p);
            return p;
        }
    }

    static Argument<string> Pk() => new("PRODUCT_KEY") { Description = "The product's ProductKey" };

    static Command Devices(CliContext cli)
    {
        var what = new DevicesTo();
        var command = what.AddTo(new Command("devices", "Authorize devices of a released product to another account"));
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("AuthorizeDevices", what.Params(r), ct),
            _ => cli.Out.WriteLine($"{r.GetValue(what.Names)!.Length} device(s) of {r.GetValue(what.ProductKey)} authorized to {what.Target.Describe(r)}")));
        return command;
    }

    static Command Revoke(CliContext cli)
    {
        var pk = Pk();
        var name = new Argument<string>("DEVICE_NAME") { Description = "The device" };
        var target = new Target();
        var command = new Command("revoke", "Revoke one device's authorization") { pk, name };
        target.AddTo(command);
        command.SetAction((r, ct) =>
        {
            var p = new RpcParams { { "ProductKey", r.GetValue(pk) }, { "DeviceName", r.GetValue(name) } };
            target.Put(r, p);
            return cli.CallAsync(r, rpc => rpc.CallAsync("RevokeDeviceAuthorization", p, ct),
                _ => cli.Out.WriteLine($"{r.GetValue(pk)}/{r.GetValue(name)} no longer authorized to {target.Describe(r)}"));
        });
        return command;
    }

    static Command RevokeProduct(CliContext cli)
    {
        var pk = Pk();
        var target = new Target();
        var command = new Command("revoke-product", "Revoke a product's authorization (once none of its devices are authorized)") { pk };
        target.AddTo(command);
        command.SetAction((r, ct) =>
        {
            var p = new RpcParams { { "ProductKey", r.GetValue(pk) } };
            target.Put(r, p);
            return cli.CallAsync(r, rpc => rpc.CallAsync("RevokeProductAuthorization", p, ct),
                _ => cli.Out.WriteLine($"product {r.GetValue(pk)} no longer authorized to {target.Describe(r)}"));
        });
        return command;
    }

    static Command List(CliContext cli)
    {
        var pk = new Option<string>("--product") { Description = "Only this product's devices" };
        var paging = new Paging();
        var command = new Command("list", "The devices this account authorized to others") { pk };
        paging.AddTo(command);
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("QueryDeviceAuthorizationList", new RpcParams
        {
            { "ProductKey", r.GetValue(pk) }, { "CurrentPage", r.GetValue(paging.Page) ?? 1 }, { "PageSize", r.GetValue(paging.PageSize) },
        }, ct), body => Table.Write(cli.Out, ["PRODUCT KEY", "DEVICE", "TO", "ACCOUNT NAME"],
            body.GetProperty("Data").GetProperty("List").GetProperty("AuthorizationInfo").EnumerateArray().Select(a => (IReadOnlyList<string>)
                [a.GetProperty("ProductKey").GetString()!, a.GetProperty("DeviceName").GetString()!, a.GetProperty("TargetUid").GetString()!,
                 a.GetProperty("TargetAccountName").GetString()!]).ToList())));
        return command;
    }

    static Command Products(CliContext cli)
    {
        var command = new Command("products", "The products this account authorized to others, with how many devices");
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("QueryProductAuthorizationList", new RpcParams { { "PageSize", 200 } }, ct),
            body => Table.Write(cli.Out, ["PRODUCT KEY", "NAME", "TO", "DEVICES"],
                body.GetProperty("Data").GetProperty("List").GetProperty("AuthorizationInfo").EnumerateArray().Select(a => (IReadOnlyList<string>)
                    [a.GetProperty("ProductKey").GetString()!, a.GetProperty("ProductName").GetString()!, a.GetProperty("TargetUid").GetString()!,
                     JsonText.Scalar(a.GetProperty("DeviceCount"))]).ToList())));
        return command;
    }

    static Command Authorized(CliContext cli)
    {
        var command = new Command("authorized", "The products other accounts authorized to this one");
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("QueryAuthorizedProductList", new RpcParams { { "PageSize", 200 } }, ct),
            body => Table.Write(cli.Out, ["PRODUCT KEY", "NAME", "FROM", "DEVICES"],
                body.GetProperty("Data").GetProperty("List").GetProperty("ProductInfo").EnumerateArray().Select(p => (IReadOnlyList<string>)
                    [p.GetProperty("ProductKey").GetString()!, p.GetProperty("ProductName").GetString()!, p.GetProperty("SourceUid").GetString()!,
                     JsonText.Scalar(p.GetProperty("DeviceCount"))]).ToList())));
        return command;
    }

    static Command Publish(CliContext cli)
    {
        var pk = Pk();
        var agree = new Option<bool>("--accept-agreement") { Description = "Accept the agreement: every account authorized a device may then view the product; this cannot be undone" };
        var command = new Command("publish", "Authorize a released product to the public pool (irreversible)") { pk, agree };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("AuthorizeProductToPublicPool", new RpcParams
        {
            { "ProductKey", r.GetValue(pk) }, { "AgreementAccepted", r.GetValue(agree) ? "true" : "false" },
        }, ct), _ => cli.Out.WriteLine($"product {r.GetValue(pk)} is in the public pool (this cannot be undone)")));
        return command;
    }

    static Command Pool(CliContext cli)
    {
        var command = new Command("pool", "The public pool's products (open once this account has been authorized a device)");
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("QueryPublicProductList", new RpcParams { { "PageSize", 200 } }, ct),
            body => Table.Write(cli.Out, ["PRODUCT KEY", "NAME", "FROM"],
                body.GetProperty("Data").GetProperty("List").GetProperty("ProductInfo").EnumerateArray().Select(p => (IReadOnlyList<string>)
                    [p.GetProperty("ProductKey").GetString()!, p.GetProperty("ProductName").GetString()!, p.GetProperty("SourceAccountName").GetString()!]).ToList())));
        return command;
    }
}
