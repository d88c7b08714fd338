// Projects area wiring: the registry per request, the grant directory for the process, and the default project for
// every product made before projects existed (at start).
using Thingyard.Access;
using Thingyard.Projects;

namespace Thingyard.Server.Projects;

public static class ProjectsSetup
{
    public static IServiceCollection AddProjects(this IServiceCollection services)
    {
        services.AddSingleton<GrantDirectory>();
        services.AddScoped<ProjectRegistry>();
        return services;
    }

    /// <summary>Products without a project (made before projects existed) join their account's default project.</summary>
    public static async Task AdoptOrphanProductsAsync(IServiceProvider services, ILogger log)
    {
        await using var scope = services.CreateAsyncScope();
        var moved = await scope.ServiceProvider.GetRequiredService<ProjectRegistry>().AdoptOrphansAsync();
        if (moved > 0) log.LogWarning("Projects: {Count} product(s) made before projects existed moved into their account's default project", moved);
    }
}
