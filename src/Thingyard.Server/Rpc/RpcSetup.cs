// RPC area wiring: the authenticator and the action table filled by each domain area.
using Thingyard.Server.Alarms;
using Thingyard.Server.Cluster;
using Thingyard.Server.AliGenie;
using Thingyard.Server.Distribution;
using Thingyard.Server.Gateways;
using Thingyard.Server.EndUsers;
using Thingyard.Server.Id2;
using Thingyard.Server.Lifecycle;
using Thingyard.Server.OpsHub;
using Thingyard.Server.Projects;
using Thingyard.Server.Registry;
using Thingyard.Server.Rules;
using Thingyard.Server.Shadows;
using Thingyard.Server.Sharing;
using Thingyard.Server.Scripts;
using Thingyard.Server.Subscriptions;
using Thingyard.Server.ThingModels;
using Thingyard.Server.Things;
using Thingyard.Server.Topics;
using Thingyard.Server.Webhooks;

namespace Thingyard.Server.Rpc;

public static class RpcSetup
{
    public static IServiceCollection AddRpc(this IServiceCollection services)
    {
        services.AddSingleton<RpcAuthenticator>();
        services.AddSingleton(_ => new RpcActions()
            .AddProjectActions()
            .AddOpsHubActions()
            .AddSharingActions()
            .AddId2Actions()
            .AddEndUserActions()
            .AddAliGenieActions()
            .AddTransferActions()
            .AddProductActions()
            .AddDeviceActions()
            .AddBatchActions()
            .AddGroupActions()
            .AddTagActions()
            .AddThingModelActions()
            .AddThingActions()
            .AddTelemetryActions()
            .AddShadowActions()
            .AddGatewayActions()
            .AddDistributionActions()
            .AddLifecycleActions()
            .AddSubscriptionActions()
            .AddWebhookActions()
            .AddRuleActions()
            .AddScriptActions()
            .AddAlarmActions()
            .AddTopicClassActions()
            .AddClusterActions());
        return services;
    }
}
