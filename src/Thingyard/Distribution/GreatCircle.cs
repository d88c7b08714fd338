// Distance on the Earth's surface, for picking the instance nearest to a device.
namespace Thingyard.Distribution;

public static class GreatCircle
{
    const double EarthRadiusKm = 6371.0088;

    /// <summary>Haversine distance in kilometres.</summary>
    public static double DistanceKm(double lat1, double lon1, double lat2, double lon2)
    {
        static double Rad(double d) => d * Math.PI / 180;
        var dLat = Rad(lat2 - lat1);
        var dLon = Rad(lon2 - lon1);
        var a = Math.Sin(dLat / 2) * Math.Sin(dLat / 2) + Math.Cos(Rad(lat1)) * Math.Cos(Rad(lat2)) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2);
        return 2 * EarthRadiusKm * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }

    /// <summary>The candidate nearest to the point; ties go to the first listed.</summary>
    public static InstanceInfo Nearest(IReadOnlyList<InstanceInfo> candidates, double lat, double lon)
    {
        var best = candidates[0];
        var bestKm = double.MaxValue;
        foreach (var c in candidates)
        {
            var km = DistanceKm(lat, lon, c.Latitude, c.Longitude);
            if (km < bestKm) { best = c; bestKm = km; }
        }
        return best;
    }
}
