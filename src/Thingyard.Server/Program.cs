// Entry point: one process is one Thingyard instance.
using Thingyard.Server.Hosting;

var app = await ThingyardApp.BuildAsync(args);
await app.RunAsync();
