import FailoverReportCLI
import Foundation

exit(await FailoverReportCommand.main(arguments: Array(CommandLine.arguments.dropFirst())))
