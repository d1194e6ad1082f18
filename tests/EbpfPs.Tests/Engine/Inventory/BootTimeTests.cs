using System;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Inventory;
using Xunit;

namespace EbpfPs.Tests.Engine.Inventory;

public class BootTimeTests
{
    [Fact]
    public void LoadTimeOfNowIsCloseToNow()
    {
        // CLOCK_BOOTTIME now, read the way the kernel stamps load_time.
        double uptime = double.Parse(System.IO.File.ReadAllText("/proc/uptime").Split(' ')[0],
            System.Globalization.CultureInfo.InvariantCulture);
        DateTime wall = BootTime.ToWallClock((ulong)(uptime * 1e9));
        // btime has one-second resolution, so allow a little slack either way.
        Assert.InRange((wall - DateTime.Now).TotalSeconds, -3, 3);
    }
}
