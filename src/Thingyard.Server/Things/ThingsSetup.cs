// Things area wiring: the thing-model cache of the message path, the handlers of the /sys/pk/dn/thing/ topics devices
// publish on, and the commands the cloud sends (property set, service calls).
using Thingyard.Server.Connectivity;

namespace Thingyard.Server.Things;

public static class ThingsSetup
{
    public static IServiceCollection AddThings(this IServiceCollection services)
    {
        services.AddSingleton<ModelCache>();
        services.AddSingleton<ThingUplinks>();
        services.AddSingleton<ThingCommands>();
        return services.AddUplinkRoutes(static (routes, sp) =>
        {
            var things = sp.GetRequiredService<ThingUplinks>();
            routes.Alink("/sys/+/+/thing/event/property/post", things.PropertyPostAsync)
                .Alink("/sys/+/+/thing/event/property/batch/post", things.BatchPostAsync)
                .Alink("/sys/+/+/thing/event/{identifier}/post", u => things.EventPostAsync(u, u.RouteArg!))
                .Alink("/sys/+/+/thing/service/property/set_reply", things.CallReply)
                .Alink("/sys/+/+/thing/service/{name}", things.ServiceTopic)
                .Alink("/sys/+/+/thing/deviceinfo/update", u => things.DeviceInfoAsync(u, delete: false))
                .Alink("/sys/+/+/thing/deviceinfo/delete", u => things.DeviceInfoAsync(u, delete: true))
                .Alink("/sys/+/+/thing/config/get", things.ConfigGetAsync)
                .Alink("/sys/+/+/thing/config/push_reply", _ => { })
                .Alink("/sys/+/+/thing/bootstrap/notify_reply", _ => { })
                .Alink("/sys/+/+/thing/+/#", things.Unknown);
        });
    }
}
