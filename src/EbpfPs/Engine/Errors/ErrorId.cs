namespace EbpfPs.Engine.Errors;

/// <summary>
/// Every ErrorId the module raises: a public contract scripts and tests match on, so each one is named
/// here once, with the kind of failure it is and what it means. BpfException takes its kind from here;
/// the module meta-test checks that each id has a category and is listed in some cmdlet's help.
/// </summary>
public static partial class ErrorId
{
    // Objects and programs
    [Error(BpfErrorKind.NotFound, "The object file does not exist.")]
    public const string ObjectFileNotFound = nameof(ObjectFileNotFound);
    [Error(BpfErrorKind.InvalidArgument,
        "The object or state file path is not a regular file (a directory, FIFO or device).")]
    public const string NotARegularFile = nameof(NotARegularFile);
    [Error(BpfErrorKind.OperationFailed, "The object file cannot be read; the category follows the errno.",
        FollowsErrno = true)]
    public const string ObjectFileUnreadable = nameof(ObjectFileUnreadable);
    [Error(BpfErrorKind.LimitsExceeded, "The object file is larger than any BPF object (256 MiB).")]
    public const string ObjectFileTooLarge = nameof(ObjectFileTooLarge);
    [Error(BpfErrorKind.InvalidData, "The file is not an ELF object.")]
    public const string NotAnElfFile = nameof(NotAnElfFile);
    [Error(BpfErrorKind.InvalidData,
        "The file is an ELF object libbpf cannot open as BPF (the message names what is wrong).")]
    public const string InvalidBpfObject = nameof(InvalidBpfObject);
    [Error(BpfErrorKind.InvalidData, "The object has no program in it.")]
    public const string NoBpfProgram = nameof(NoBpfProgram);
    [Error(BpfErrorKind.OperationFailed, "libbpf could not open the object; the category follows the errno.",
        FollowsErrno = true)]
    public const string BpfObjectOpenFailed = nameof(BpfObjectOpenFailed);
    [Error(BpfErrorKind.OperationFailed, "The kernel refused to load the object; the category follows the errno.",
        FollowsErrno = true)]
    public const string BpfObjectLoadFailed = nameof(BpfObjectLoadFailed);
    [Error(BpfErrorKind.PermissionDenied, "Loading needs CAP_BPF (and CAP_NET_ADMIN, CAP_PERFMON) or root.")]
    public const string LoadPermissionDenied = nameof(LoadPermissionDenied);
    [Error(BpfErrorKind.InvalidData, "The kernel verifier rejected a program; the error carries the verifier log.")]
    public const string VerifierRejected = nameof(VerifierRejected);
    [Error(BpfErrorKind.InvalidData,
        "The kernel rejected the object's BTF (BPF_BTF_LOAD); the error carries the kernel's BTF log.")]
    public const string BtfRejected = nameof(BtfRejected);
    [Error(BpfErrorKind.NotFound, "The object has no program of that name.")]
    public const string BpfProgramNotInObject = nameof(BpfProgramNotInObject);
    [Error(BpfErrorKind.NotFound, "The object has no map of that name.")]
    public const string BpfMapNotInObject = nameof(BpfMapNotInObject);
    [Error(BpfErrorKind.InvalidArgument, "The program or map belongs to an object that was already released.")]
    public const string BpfObjectClosed = nameof(BpfObjectClosed);
    [Error(BpfErrorKind.NotFound, "The module has no built-in program of that name for the hook.")]
    public const string BuiltinProgramNotFound = nameof(BuiltinProgramNotFound);
    [Error(BpfErrorKind.InvalidArgument,
        "A program's section name (SEC(\"router\")) does not say its type, and no -Hook says it either.")]
    public const string ProgramTypeUnknown = nameof(ProgramTypeUnknown);
    [Error(BpfErrorKind.InvalidArgument,
        "The object has several programs that could be meant; -ProgramName says which (the message lists them).")]
    public const string ProgramNameRequired = nameof(ProgramNameRequired);
    [Error(BpfErrorKind.InvalidArgument, "The program's type cannot run at the hook it was given to.")]
    public const string WrongProgramType = nameof(WrongProgramType);
    [Error(BpfErrorKind.InvalidArgument,
        "A wildcard path matched more than one object file where one program is needed.")]
    public const string PathAmbiguous = nameof(PathAmbiguous);
    [Error(BpfErrorKind.NotFound, "A -Path pattern matched no file, or a folder to write into does not exist.")]
    public const string PathNotFound = nameof(PathNotFound);
    [Error(BpfErrorKind.InvalidArgument, "The file could not be written (the message has the reason).")]
    public const string FileWriteFailed = nameof(FileWriteFailed);

    [Error(BpfErrorKind.NotFound, "The object has no global variable of that name.")]
    public const string GlobalVariableNotFound = nameof(GlobalVariableNotFound);
    [Error(BpfErrorKind.InvalidArgument, "A global variable's value has the wrong number of bytes.")]
    public const string GlobalVariableSizeMismatch = nameof(GlobalVariableSizeMismatch);
    [Error(BpfErrorKind.InvalidArgument, "The variable's section (.kconfig, .ksyms) cannot be set before load.")]
    public const string GlobalVariableNotSettable = nameof(GlobalVariableNotSettable);

    // Pins and bpffs
    [Error(BpfErrorKind.InvalidArgument, "The pin path is not on a mounted BPF filesystem.")]
    public const string PinPathNotOnBpfFs = nameof(PinPathNotOnBpfFs);
    [Error(BpfErrorKind.InvalidArgument,
        "-PinPath was given with a program that is already loaded; it pins only what the command loads.")]
    public const string PinPathNotApplicable = nameof(PinPathNotApplicable);
    [Error(BpfErrorKind.NotFound, "Nothing is pinned at the path.")]
    public const string PinnedObjectNotFound = nameof(PinnedObjectNotFound);
    [Error(BpfErrorKind.InvalidArgument, "The pin is of another kind of BPF object (a program where a map is asked).")]
    public const string WrongPinnedObjectType = nameof(WrongPinnedObjectType);
    [Error(BpfErrorKind.ResourceExists, "Something is already pinned at the path (an earlier import, say).")]
    public const string PinExists = nameof(PinExists);
    [Error(BpfErrorKind.InvalidArgument,
        "bpffs refuses the name: it holds a '.' (reserved by the kernel) or a NUL character.")]
    public const string PinNameNotAllowed = nameof(PinNameNotAllowed);
    [Error(BpfErrorKind.InvalidArgument, "A program and a map (or two maps) would be pinned under the same name.")]
    public const string PinNameCollision = nameof(PinNameCollision);

    // Kernel inventory
    [Error(BpfErrorKind.NotFound, "No program with that id is loaded.")]
    public const string BpfProgramNotFound = nameof(BpfProgramNotFound);
    [Error(BpfErrorKind.NotFound, "No map with that id or name is loaded.")]
    public const string BpfMapNotFound = nameof(BpfMapNotFound);
    [Error(BpfErrorKind.NotFound, "No BPF link with that id exists.")]
    public const string BpfLinkNotFound = nameof(BpfLinkNotFound);
    [Error(BpfErrorKind.ResourceBusy,
        "The program is still loaded after its pins were removed: something else holds it (named in the message).")]
    public const string ProgramStillLoaded = nameof(ProgramStillLoaded);
    [Error(BpfErrorKind.InvalidArgument, "Several loaded maps have that name; use -Id or -Path.")]
    public const string BpfMapNameAmbiguous = nameof(BpfMapNameAmbiguous);
    [Error(BpfErrorKind.NotInstalled, "libbpf.so.1 is not installed.")]
    public const string LibbpfNotFound = nameof(LibbpfNotFound);
    [Error(BpfErrorKind.OperationFailed,
        "The kernel refused to turn on run-time statistics; the category follows the errno.", FollowsErrno = true)]
    public const string EnableStatisticsFailed = nameof(EnableStatisticsFailed);
    [Error(BpfErrorKind.InvalidData, "A BTF type a map refers to is missing or malformed.")]
    public const string BtfTypeNotFound = nameof(BtfTypeNotFound);
    [Error(BpfErrorKind.NotFound, "No BTF object with that id is loaded.")]
    public const string BtfObjectNotFound = nameof(BtfObjectNotFound);
    [Error(BpfErrorKind.NotFound, "The object file, map or program carries no BTF (type information).")]
    public const string NoBtf = nameof(NoBtf);

    // XDP
    [Error(BpfErrorKind.ResourceExists, "The interface already has an XDP program and -Force was not given.")]
    public const string XdpProgramExists = nameof(XdpProgramExists);
    [Error(BpfErrorKind.ResourceBusy,
        "Another process changed the interface's XDP program while EbpfPs was changing it; its program stays.")]
    public const string XdpProgramChanged = nameof(XdpProgramChanged);
    [Error(BpfErrorKind.NotImplemented, "XDP offload needs a NIC that runs BPF itself.")]
    public const string XdpOffloadNotSupported = nameof(XdpOffloadNotSupported);
    [Error(BpfErrorKind.NotImplemented, "The interface's driver does not run XDP natively.")]
    public const string XdpNativeNotSupported = nameof(XdpNativeNotSupported);
    [Error(BpfErrorKind.OperationFailed, "The kernel refused the XDP attach; the category follows the errno.",
        FollowsErrno = true)]
    public const string XdpAttachFailed = nameof(XdpAttachFailed);
    [Error(BpfErrorKind.OperationFailed, "The kernel refused the XDP detach; the category follows the errno.",
        FollowsErrno = true)]
    public const string XdpDetachFailed = nameof(XdpDetachFailed);
    [Error(BpfErrorKind.NotFound, "The interface has no XDP program to detach.")]
    public const string NoXdpProgram = nameof(NoXdpProgram);

    // TC
    [Error(BpfErrorKind.ResourceExists, "A filter already sits at that priority and handle and -Force was not given.")]
    public const string TcFilterExists = nameof(TcFilterExists);
    [Error(BpfErrorKind.OperationFailed, "The clsact qdisc could not be created; the category follows the errno.",
        FollowsErrno = true)]
    public const string TcHookCreateFailed = nameof(TcHookCreateFailed);
    [Error(BpfErrorKind.OperationFailed, "The kernel refused the TC filter; the category follows the errno.",
        FollowsErrno = true)]
    public const string TcAttachFailed = nameof(TcAttachFailed);
    [Error(BpfErrorKind.OperationFailed,
        "The kernel refused to remove the TC filter; the category follows the errno.", FollowsErrno = true)]
    public const string TcDetachFailed = nameof(TcDetachFailed);
    [Error(BpfErrorKind.NotFound, "No filter sits at that priority and handle.")]
    public const string TcFilterNotFound = nameof(TcFilterNotFound);
    [Error(BpfErrorKind.NotImplemented, "This kernel has no tcx (Linux 6.6+).")]
    public const string TcxNotSupported = nameof(TcxNotSupported);
    [Error(BpfErrorKind.InvalidArgument, "-Priority or -Handle given with -Mode Tcx: a tcx link has neither.")]
    public const string TcxHasNoPriority = nameof(TcxHasNoPriority);
    [Error(BpfErrorKind.OperationFailed, "The kernel refused the tcx link; the category follows the errno.",
        FollowsErrno = true)]
    public const string TcxAttachFailed = nameof(TcxAttachFailed);
    [Error(BpfErrorKind.NotFound, "The tcx link is gone.")]
    public const string TcxLinkNotFound = nameof(TcxLinkNotFound);
    [Error(BpfErrorKind.NotFound, "No BPF program on the TC hook matches the selection.")]
    public const string TcProgramNotFound = nameof(TcProgramNotFound);
    [Error(BpfErrorKind.InvalidArgument, "Several BPF programs on the TC hook match; say which.")]
    public const string TcProgramAmbiguous = nameof(TcProgramAmbiguous);
    [Error(BpfErrorKind.ResourceBusy,
        "Another process changed the TC program -Force was replacing in place; what is there now stays.")]
    public const string TcProgramChanged = nameof(TcProgramChanged);

    // Interfaces and namespaces
    [Error(BpfErrorKind.NotFound, "No network interface of that name in the namespace.")]
    public const string InterfaceNotFound = nameof(InterfaceNotFound);
    [Error(BpfErrorKind.InvalidArgument, "The text cannot name a network interface (empty, or it holds a NUL).")]
    public const string InvalidInterfaceName = nameof(InvalidInterfaceName);
    [Error(BpfErrorKind.NotFound, "No network namespace of that name.")]
    public const string NetNamespaceNotFound = nameof(NetNamespaceNotFound);

    // Maps
    [Error(BpfErrorKind.InvalidArgument,
        "The map type has no entries to read by key (ring buffers; queues, stacks and bloom filters, which are " +
        "pushed, popped and tested; perf event arrays, whose values are fds).")]
    public const string MapHasNoKeys = nameof(MapHasNoKeys);
    [Error(BpfErrorKind.InvalidArgument,
        "Push, Pop and Test take a queue or stack (Push and Test also a bloom filter); other maps go by key.")]
    public const string MapNotQueueOrStack = nameof(MapNotQueueOrStack);
    [Error(BpfErrorKind.ResourceExists, "The key exists and -Flag NoExist was given.")]
    public const string MapEntryExists = nameof(MapEntryExists);
    [Error(BpfErrorKind.NotFound, "The map has no such key.")]
    public const string MapEntryNotFound = nameof(MapEntryNotFound);
    [Error(BpfErrorKind.LimitsExceeded, "The map is full.")]
    public const string MapFull = nameof(MapFull);
    [Error(BpfErrorKind.InvalidArgument, "An array map index is past its last entry.")]
    public const string MapIndexOutOfRange = nameof(MapIndexOutOfRange);
    [Error(BpfErrorKind.InvalidArgument, "Array map entries always exist and cannot be deleted.")]
    public const string ArrayEntriesCannotBeDeleted = nameof(ArrayEntriesCannotBeDeleted);
    [Error(BpfErrorKind.InvalidArgument, "The key's bytes do not match the map's key size.")]
    public const string WrongKeySize = nameof(WrongKeySize);
    [Error(BpfErrorKind.InvalidArgument, "The value's bytes do not match the map's value size.")]
    public const string WrongValueSize = nameof(WrongValueSize);
    [Error(BpfErrorKind.InvalidArgument, "A per-CPU value needs one value (for CPU 0) or one per possible CPU.")]
    public const string WrongCpuCount = nameof(WrongCpuCount);
    [Error(BpfErrorKind.InvalidArgument, "The object has several maps; -MapName says which.")]
    public const string MapNameRequired = nameof(MapNameRequired);
    [Error(BpfErrorKind.InvalidArgument,
        "-AsBatch reads the whole map as bytes and does not combine with -Key, -PerCpu or -Raw.")]
    public const string AsBatchReadsWholeMap = nameof(AsBatchReadsWholeMap);
    [Error(BpfErrorKind.InvalidData,
        "A key or value field has the wrong shape for its BTF type (the message names the field).")]
    public const string WrongShape = nameof(WrongShape);
    [Error(BpfErrorKind.InvalidData, "A key or value names a field its BTF type does not have.")]
    public const string UnknownField = nameof(UnknownField);
    [Error(BpfErrorKind.InvalidData, "A key or value lacks a field its BTF type has.")]
    public const string MissingField = nameof(MissingField);
    [Error(BpfErrorKind.InvalidData, "An enum field got a name its BTF enum does not have.")]
    public const string UnknownEnumValue = nameof(UnknownEnumValue);
    [Error(BpfErrorKind.InvalidArgument, "A number does not fit its field's width and signedness.")]
    public const string ValueOutOfRange = nameof(ValueOutOfRange);
    [Error(BpfErrorKind.InvalidArgument, "Text or an array is longer than its field.")]
    public const string ValueTooLarge = nameof(ValueTooLarge);
    [Error(BpfErrorKind.InvalidArgument, "Bytes or hex of the wrong length for the field.")]
    public const string WrongSize = nameof(WrongSize);
    [Error(BpfErrorKind.InvalidArgument, "Text for a char array holds characters outside ASCII.")]
    public const string TextNotAscii = nameof(TextNotAscii);
    [Error(BpfErrorKind.InvalidArgument, "The sampling interval is not positive.")]
    public const string InvalidInterval = nameof(InvalidInterval);
    [Error(BpfErrorKind.InvalidArgument, "-SortBy names no field of the map's key or value.")]
    public const string SortFieldNotFound = nameof(SortFieldNotFound);
    [Error(BpfErrorKind.InvalidArgument,
        "-SortBy names a field that is not a number (a struct, array, text, bool, pointer or bitfield).")]
    public const string SortFieldNotNumeric = nameof(SortFieldNotNumeric);
    [Error(BpfErrorKind.InvalidArgument, "-Top was given without -SortBy to say what ranks first.")]
    public const string TopNeedsSortBy = nameof(TopNeedsSortBy);
    [Error(BpfErrorKind.InvalidArgument, "-Top and -SortBy rank the whole map; they do not combine with -Key or "
        + "-AsBatch.")]
    public const string SortReadsWholeMap = nameof(SortReadsWholeMap);

    // Packets and program tests
    [Error(BpfErrorKind.InvalidArgument, "Source and destination are of different address families.")]
    public const string AddressFamilyMismatch = nameof(AddressFamilyMismatch);
    [Error(BpfErrorKind.InvalidArgument, "The frame length is too short for the headers asked for.")]
    public const string FrameTooShort = nameof(FrameTooShort);
    [Error(BpfErrorKind.InvalidArgument, "The text is not an IP address.")]
    public const string InvalidIpAddress = nameof(InvalidIpAddress);
    [Error(BpfErrorKind.InvalidArgument, "The text is not a MAC address.")]
    public const string InvalidMacAddress = nameof(InvalidMacAddress);
    [Error(BpfErrorKind.InvalidArgument, "-Network, -From and -To of a test packet were not all given.")]
    public const string TestPacketPathIncomplete = nameof(TestPacketPathIncomplete);
    [Error(BpfErrorKind.InvalidArgument, "A VLAN id is outside 1-4094.")]
    public const string InvalidVlanId = nameof(InvalidVlanId);
    [Error(BpfErrorKind.InvalidArgument, "The packet is shorter than an Ethernet header.")]
    public const string PacketTooShort = nameof(PacketTooShort);
    [Error(BpfErrorKind.InvalidArgument, "The input is not a packet.")]
    public const string UnsupportedPacketInput = nameof(UnsupportedPacketInput);
    [Error(BpfErrorKind.NotImplemented, "Test runs are for XDP and TC programs.")]
    public const string TestRunNotSupported = nameof(TestRunNotSupported);
    [Error(BpfErrorKind.OperationFailed, "The kernel refused the test run; the category follows the errno.",
        FollowsErrno = true)]
    public const string ProgramTestRunFailed = nameof(ProgramTestRunFailed);
    [Error(BpfErrorKind.InvalidArgument,
        "-RxQueueIndex without an ingress interface, for a TC program, or beyond the interface's receive queues.")]
    public const string InvalidRxQueueIndex = nameof(InvalidRxQueueIndex);
    [Error(BpfErrorKind.InvalidArgument, "A repeat count below 1.")]
    public const string InvalidRepeat = nameof(InvalidRepeat);

    // Measuring
    [Error(BpfErrorKind.InvalidArgument, "No hook was named.")]
    public const string NoHooks = nameof(NoHooks);
    [Error(BpfErrorKind.InvalidArgument, "A packet size below 64 bytes or above what the MTU allows.")]
    public const string InvalidPacketSize = nameof(InvalidPacketSize);
    [Error(BpfErrorKind.InvalidArgument, "The duration is not positive.")]
    public const string InvalidDuration = nameof(InvalidDuration);
    [Error(BpfErrorKind.InvalidArgument, "The packet count is not positive.")]
    public const string InvalidCount = nameof(InvalidCount);
    [Error(BpfErrorKind.InvalidArgument, "-Count and -Duration were both given; a sample is one or the other.")]
    public const string CountWithDuration = nameof(CountWithDuration);
    [Error(BpfErrorKind.InvalidArgument, "The test network has the wrong topology for this measurement.")]
    public const string MeasureNetworkTopology = nameof(MeasureNetworkTopology);
    [Error(BpfErrorKind.OperationFailed, "The kernel refused to send live frames; the category follows the errno.",
        FollowsErrno = true)]
    public const string LiveFramesFailed = nameof(LiveFramesFailed);

    [Error(BpfErrorKind.InvalidArgument, "-Flows is below 1 or above what the router's flow map holds.")]
    public const string InvalidFlowCount = nameof(InvalidFlowCount);
    [Error(BpfErrorKind.InvalidArgument, "-LossTolerance is outside 0..1.")]
    public const string InvalidLossTolerance = nameof(InvalidLossTolerance);
    [Error(BpfErrorKind.InvalidArgument, "-ZeroLoss searches a rate over -Duration; it does not combine with -Count.")]
    public const string ZeroLossWithCount = nameof(ZeroLossWithCount);
    [Error(BpfErrorKind.InvalidArgument, "-Traffic Tcp or Udp runs iperf3 across a router; it needs -Routed.")]
    public const string TrafficNeedsRouted = nameof(TrafficNeedsRouted);
    [Error(BpfErrorKind.InvalidArgument, "An option that does not apply to the chosen -Traffic.")]
    public const string TrafficOptionNotSupported = nameof(TrafficOptionNotSupported);
    [Error(BpfErrorKind.NotInstalled, "iperf3 is not installed (apt-get install iperf3).")]
    public const string IperfNotInstalled = nameof(IperfNotInstalled);
    [Error(BpfErrorKind.OperationFailed, "iperf3 failed or printed no result; the message has what it said.")]
    public const string IperfFailed = nameof(IperfFailed);
    [Error(BpfErrorKind.InvalidArgument, "The generator's template frame is shorter than an Ethernet header.")]
    public const string InvalidTemplateFrame = nameof(InvalidTemplateFrame);

    // Test networks
    [Error(BpfErrorKind.InvalidArgument, "The name cannot name a test network.")]
    public const string InvalidTestNetworkName = nameof(InvalidTestNetworkName);
    [Error(BpfErrorKind.ResourceExists, "A test network of that name exists.")]
    public const string TestNetworkExists = nameof(TestNetworkExists);
    [Error(BpfErrorKind.NotFound, "No test network of that name.")]
    public const string TestNetworkNotFound = nameof(TestNetworkNotFound);
    [Error(BpfErrorKind.InvalidData, "The test network's state file cannot be read as a test network.")]
    public const string TestNetworkStateCorrupt = nameof(TestNetworkStateCorrupt);
    [Error(BpfErrorKind.ResourceBusy,
        "The test network was made by another process that still runs; removing it needs -Force.")]
    public const string TestNetworkInUse = nameof(TestNetworkInUse);
    [Error(BpfErrorKind.NotFound, "The test network has no interface with that role.")]
    public const string TestInterfaceNotFound = nameof(TestInterfaceNotFound);
    [Error(BpfErrorKind.OperationFailed,
        "An iproute2 or ethtool command failed; the message says which and what it printed.")]
    public const string TestNetworkCommandFailed = nameof(TestNetworkCommandFailed);
    [Error(BpfErrorKind.NotInstalled, "A tool the module runs (ip, ethtool, ...) is not installed.")]
    public const string ToolNotFound = nameof(ToolNotFound);
    [Error(BpfErrorKind.OperationFailed, "The interface's counters could not be read; the category follows the errno.",
        FollowsErrno = true)]
    public const string InterfaceCountersUnavailable = nameof(InterfaceCountersUnavailable);

    // Fleet test networks
    [Error(BpfErrorKind.InvalidArgument, "A Fleet test network has 1 to 16 routers.")]
    public const string InvalidFleetSize = nameof(InvalidFleetSize);
    [Error(BpfErrorKind.InvalidArgument, "-Count was given for a topology other than Fleet.")]
    public const string CountNeedsFleet = nameof(CountNeedsFleet);
    [Error(BpfErrorKind.OperationFailed, "A router's sshd did not start accepting connections (the message quotes " +
        "its log).")]
    public const string FleetSshdFailed = nameof(FleetSshdFailed);
    [Error(BpfErrorKind.LimitsExceeded, "Every /24 of 198.19.0.0/16 is in use in the session's namespace.")]
    public const string FleetAddressesExhausted = nameof(FleetAddressesExhausted);

    // Desired state
    [Error(BpfErrorKind.InvalidData, "The state file is not a data file of the expected shape (the message names " +
        "the key and line).")]
    public const string InvalidStateFile = nameof(InvalidStateFile);
    [Error(BpfErrorKind.NotFound, "A program of the state names an object or program that does not exist (key " +
        "and line).")]
    public const string StateProgramNotFound = nameof(StateProgramNotFound);
    [Error(BpfErrorKind.NotFound, "A program of the state names an interface or namespace that does not exist " +
        "(key and line).")]
    public const string StateInterfaceNotFound = nameof(StateInterfaceNotFound);
    [Error(BpfErrorKind.NotFound, "A map of the state is neither pinned nor made by a program of the state (key " +
        "and line).")]
    public const string StateMapNotFound = nameof(StateMapNotFound);
    [Error(BpfErrorKind.OperationFailed, "A step of Set-BpfState failed; what the run had changed was rolled back " +
        "(the message says which step and why).")]
    public const string StateNotApplied = nameof(StateNotApplied);

    // Raised for a failed kernel call that has no more specific id; the category follows the errno.
    [Error(BpfErrorKind.PermissionDenied,
        "The kernel refused for lack of privilege (EPERM, EACCES), or the process lacks a capability it needs.")]
    public const string PermissionDenied = nameof(PermissionDenied);
    [Error(BpfErrorKind.NotFound, "The kernel found no such object (ENOENT, ENODEV, ESRCH).")]
    public const string NotFound = nameof(NotFound);
    [Error(BpfErrorKind.ResourceExists, "The kernel says the object exists (EEXIST).")]
    public const string ResourceExists = nameof(ResourceExists);
    [Error(BpfErrorKind.ResourceBusy, "The kernel says the object is busy (EBUSY).")]
    public const string ResourceBusy = nameof(ResourceBusy);
    [Error(BpfErrorKind.InvalidArgument, "The kernel refused the arguments (EINVAL, EBADF).")]
    public const string InvalidArgument = nameof(InvalidArgument);
    [Error(BpfErrorKind.NotImplemented, "The kernel does not support the operation (EOPNOTSUPP, ENOSYS).")]
    public const string NotSupported = nameof(NotSupported);
    [Error(BpfErrorKind.LimitsExceeded, "A kernel limit was hit (E2BIG, ENOSPC, ENOMEM).")]
    public const string LimitsExceeded = nameof(LimitsExceeded);
    [Error(BpfErrorKind.InvalidData, "libbpf found the object malformed (its own error codes).")]
    public const string InvalidData = nameof(InvalidData);
    [Error(BpfErrorKind.OperationFailed, "A kernel call failed for another reason; the message has the errno.")]
    public const string BpfOperationFailed = nameof(BpfOperationFailed);
}
