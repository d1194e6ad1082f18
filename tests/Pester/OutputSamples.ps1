# Representative objects of every output type, made with real kernel objects in a scratch test network, for the
# output-shape meta-tests (views at 80 columns, flat exports). Dot-sourced in a BeforeAll; the caller removes
# $sample.Network, $sample.Object, $sample.Events, $sample.ValueMaps and the FileInfo's file, and calls Remove-ScratchState.
$sample = [ordered]@{}
$sample.Network = New-BpfTestNetwork -Topology Routed
$nsR = $sample.Network['RouterA'].NetNamespace
$sample.Object = Import-BpfObject -LiteralPath (Build-TestBpfObject btf_shapes)
$maps = $sample.Object.Maps
$shapes = $maps | Where-Object Name -EQ shapes
$pcpu = $maps | Where-Object Name -EQ pcpu
Set-BpfMapEntry -InputObject $shapes -Key 5 -Value @{
    kind = 'SHAPE_SQUARE'; corners = @(@{ x = -1; y = 2 }, @{ x = 3; y = -4 }); label = 'box'
    flags_low = 9; flags_high = 1000; weight = -123456789012; tag = @{ as_u32 = 0x04030201 }; addr = '198.18.7.9'
}
# One value per possible CPU, so every CPU's slot holds the same counters (one value alone would be CPU 0's).
$sampleCpus = [int](Get-Content /sys/devices/system/cpu/possible).Split('-')[-1] + 1
Set-BpfMapEntry -InputObject $pcpu -Key 1 -Value @(foreach ($c in 1..$sampleCpus) { @{ packets = 5; delta = -2; name = 'ab' } })
$xdp = @(Add-XdpProgram -Program router -Interface veth-ra, veth-rb -NetNamespace $nsR -Mode Generic -PassThru)
$tc = @(Add-TcProgram -Program router_firewall -Interface veth-ra -NetNamespace $nsR -Direction Egress -PassThru) +
    @(Add-TcProgram -Program pass -Interface veth-rb -NetNamespace $nsR -Mode Tcx -PassThru)
$flows = Get-BpfMap -Id (Get-BpfProgram -Id $xdp[0].ProgramId).MapIds | Where-Object Name -EQ rout_stats
Send-UdpDatagrams $sample.Network['ClientA'].NetNamespace $sample.Network['ClientB'].Address 9 3 64

$packet = New-BpfTestPacket -Udp -Source 198.18.100.200 -Destination 198.18.200.100 -SourcePort 65000 -DestinationPort 65001 -VlanId 100 -OuterVlanId 200
$sample['EbpfPs.XdpAttachment'] = $xdp
$sample['EbpfPs.TcAttachment'] = $tc
$sample['EbpfPs.BpfTestNetwork'] = $sample.Network
$sample['EbpfPs.BpfTestInterface'] = $sample.Network.Interfaces
$sample['EbpfPs.BpfObject'] = $sample.Object
$sample['EbpfPs.BpfLoadedProgram'] = $sample.Object.Programs
$sample['EbpfPs.BpfLoadedMap'] = $maps
$sample['EbpfPs.BpfProgramInfo'] = Get-BpfProgram -Id $xdp[0].ProgramId, $tc[0].ProgramId
$sample['EbpfPs.BpfInstruction'] = Get-BpfProgramInstruction -Id $tc[0].ProgramId
$sample['EbpfPs.BpfJitedCode'] = Get-BpfProgramInstruction -Id $tc[0].ProgramId -Jited
$sample['EbpfPs.BpfPin'] = $flows | New-BpfPin -LiteralPath "$(New-ScratchPinPath 'ebpfps-sample')/a_pin_with_a_long_name"
$sample['EbpfPs.BpfMapInfo'] = Get-BpfMap -Id $maps.Id
$sample['EbpfPs.BpfLinkInfo'] = Get-BpfLink | Where-Object ProgramId -EQ $tc[1].ProgramId
$sample['EbpfPs.BpfBtfType'] = Get-BpfBtfType -Map $shapes
$sample['EbpfPs.BpfMapEntry'] = @(Get-BpfMapEntry -InputObject $shapes) + @(Get-BpfMapEntry -InputObject $flows) +
    @(Get-BpfMapEntry -InputObject $pcpu -Key 1)
$sample['EbpfPs.BpfMapEntry#PerCpu'] = Get-BpfMapEntry -InputObject $pcpu -Key 1 -PerCpu
$sample['EbpfPs.BpfMapEntry#CpuSum'] = Get-BpfMapEntry -InputObject $pcpu -Key 1
$sample.ValueMaps = Import-BpfObject -LiteralPath (Build-TestBpfObject value_maps)
Push-BpfMapEntry -InputObject $sample.ValueMaps -MapName vm_bloom -Value 7
$sample['EbpfPs.BloomFilterAnswer'] = Test-BpfMapEntry -InputObject $sample.ValueMaps -MapName vm_bloom -Value 7, 8
$sample['EbpfPs.BpfMapBatch'] = Get-BpfMapEntry -InputObject $flows -AsBatch
$sample['EbpfPs.MapSample'] = Watch-BpfMap -InputObject $flows -Count 1 -Interval 0.05
$sample['EbpfPs.BpfFeature'] = Get-BpfFeature -Category System
$sample['EbpfPs.BpfStatisticsState'] = Disable-BpfStatistics -PassThru
$sample['EbpfPs.BpfTestPacket'] = $packet
$sample['EbpfPs.ProgramTestResult'] = Invoke-BpfProgramTest -Program drop -Packet $packet -Repeat 10
$sample['EbpfPs.TestPacketsSent'] = $packet | Send-BpfTestPacket -Interface veth-a -NetNamespace $sample.Network['ClientA'].NetNamespace -Count 2
$sample['EbpfPs.HookThroughput'] = Measure-HookThroughput -Program drop -Hook XdpNative -Count 10000
$sample['EbpfPs.BpfStateDifference'] = Test-BpfState -State @{
    Programs = @(@{ Name = 'edge'; Object = 'pass'; Hook = 'XdpGeneric'; Interfaces = 'veth-rb'; NetNamespace = $nsR })
}
$sample.Events = Import-BpfObject -LiteralPath (Build-TestBpfObject events)
$null = Invoke-BpfProgramTest -Program $sample.Events.GetProgram('emit_events') -Packet (New-BpfTestPacket -Udp -Source 198.18.0.1 -Destination 198.18.0.2)
$sample['EbpfPs.BpfEvent'] = Receive-BpfEvent -InputObject $sample.Events -MapName events_ring -TypeName pkt_event -Count 1 -Timeout 10
$sample['System.IO.FileInfo'] = $packet | Export-BpfTestPacket -LiteralPath (Join-Path ([IO.Path]::GetTempPath()) "ebpfps-$([guid]::NewGuid().ToString('n').Substring(0, 8)).pcap")
