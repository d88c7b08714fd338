// The REST API under /api/v1 for the console and scripts: Basic auth with an AccessKey, ProblemDetails errors,
// an OpenAPI document at /openapi/v1.json and a browsable reference at /api/reference.
using Thingyard.Server.Accounts;
using Thingyard.Server.Connectivity;
using Thingyard.Server.Distribution;
using Thingyard.Server.Lifecycle;
using Thingyard.Server.OpsHub;
using Thingyard.Server.Projects;
using Thingyard.Server.Sharing;
using Thingyard.Server.Id2;
using Thingyard.Server.Registry;
using Thingyard.Server.RemoteConfig;
using Thingyard.Server.ThingModels;

namespace Thingyard.Server.Rest;

public static class RestSetup
{
    public static IServiceCollection AddRestApi(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddOpenApi(o => o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "Thingyard REST API";
            doc.Info.Description = "Registry API for the console and scripts. Authenticate with HTTP Basic: AccessKeyId as user, AccessKeySecret as password.";
            return Task.CompletedTask;
        }));
        return services;
    }

    public static WebApplication MapRestApi(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json");
        app.UseSwaggerUI(o =>
        {
            o.RoutePrefix = "api/reference";
            o.SwaggerEndpoint("/openapi/v1.json", "Thingyard v1");
            o.DocumentTitle = "Thingyard REST API";
        });
        var api = app.MapGroup("/api/v1").AddEndpointFilter<RestAuthFilter>().AddEndpointFilter<RestErrorFilter>();
        api.MapGroup("/accounts").WithTags("Accounts").MapAccountApi();
        api.MapGroup("/projects").WithTags("Projects").MapProjectApi();
        api.MapGroup("/projects/{projectId}/ops").WithTags("Operations Hub").MapOpsHubApi();
        api.MapGroup("/sharing").WithTags("Sharing between accounts").MapSharingApi();
        api.MapGroup("/id2").WithTags("ID² device identity").MapId2Api();
        api.MapGroup("/products").WithTags("Products").MapProductApi();
        api.MapGroup("/products/{productKey}/devices").WithTags("Devices").MapDeviceApi().MapWatchApi();
        api.MapGroup("/products/{productKey}/thing-model").WithTags("Thing models").MapThingModelApi();
        api.MapGroup("/thing-templates").WithTags("Thing templates").MapThingTemplateApi();
        api.MapGroup("/modules").WithTags("Certified modules").MapModuleApi();
        api.MapGroup("/products/{productKey}/virtual-devices").WithTags("Virtual devices").MapVirtualDeviceApi();
        api.MapGroup("/products/{productKey}/config").WithTags("Remote configuration").MapRemoteConfigApi();
        api.MapGroup("/batches").WithTags("Batch registration").MapBatchApi();
        api.MapGroup("/groups").WithTags("Groups").MapGroupApi();
        api.MapGroup("/distribution").WithTags("Distribution").MapDistributionApi();
        api.MapGroup("/notifications").WithTags("Notifications").MapNotificationApi();
        api.MapGroup("/products/{productKey}").WithTags("Product lifecycle").MapProductLifecycleApi();
        api.MapGroup("/releases").WithTags("Release review").MapReleaseReviewApi();
        api.MapGroup("/production").WithTags("Mass production").MapMassProductionApi(app);
        return app;
    }
}
