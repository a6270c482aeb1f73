import Assessment
import Collectors
import Foundation
import Logging
import Parallelism
import Publishing
import Report
import Snapshot
import Validation

/// The pipeline `run`, `demo`, `merge` and `render` share: snapshot → assessment → page →
/// gate → publish, archive, email and metrics, then the status line and the exit code.
public struct ReportJob: Sendable {
  /// Where index.html, its digest and snapshot.json are published.
  public let output: String
  public let settings: PublishSettings
  public let logger: Logger
  /// Whether the status line is written; off for `demo --regions`' regional jobs, so the
  /// one line printed is the merged page's.
  public var printsStatusLine = true
  /// Set by `merge` when every region has been silent too long by the clock: the status line
  /// says so and the exit code is at least 1 (the page, a pure function of the snapshots, does
  /// not change).
  public var silence: SilentRegions?
  /// Where the status line (and with `verbose`, the summary) goes: stdout for the command line.
  public var say: @Sendable (String) -> Void = { print($0) }

  public init(
    output: String, settings: PublishSettings, logger: Logger, printsStatusLine: Bool = true
  ) {
    self.output = output
    self.settings = settings
    self.logger = logger
    self.printsStatusLine = printsStatusLine
  }

  /// Collects from the inventory and publishes; returns the exit code.
  public func run(inventoryPath: String, limits: CollectionLimits, environment: [String: String])
    async -> Int32
  {
    let inventory: Inventory
    let inventoryBytes: Data
    do {
      inventory = try Inventory.load(path: inventoryPath)
      inventoryBytes = try Data(contentsOf: URL(fileURLWithPath: inventoryPath))
    } catch let error as InventoryError {
      return fail(mistakes: error)
    } catch {
      return fail("cannot read \(inventoryPath): \(error.localizedDescription)")
    }
    for entry in inventory.appliances {
      if case .file(let path)? = entry.password,
        let warning = SecretReader.permissionWarning(for: path)
      {
        logger.warning("\(warning)", metadata: ["appliance": "\(entry.name)"])
      }
    }
    let collection = CollectionSettings(
      timeout: limits.timeoutSeconds ?? inventory.defaults.timeout,
      concurrency: limits.concurrency ?? inventory.defaults.concurrency,
      deadline: limits.deadlineSeconds,
      maximumResponseBytes: inventory.defaults.maximumResponseBytes)
    let started = Date()
    logger.info("collecting", metadata: ["appliances": "\(inventory.appliances.count)"])
    // The snapshot keeps times to the second (its JSON does), so a page rendered again from
    // snapshot.json shows the same ages as the page made now.
    let bar = ProgressBar.forStandardError()
    var progress: (@Sendable (Int, Int) -> Void)?
    if let bar { progress = { done, total in bar.update(done: done, total: total) } }
    let collected = await Gatherer(settings: collection, environment: environment)
      .collect(inventory, progress: progress)
    bar?.finish()
    var observations =
      collected.map { observation in
        var observation = observation
        observation.askedAt = Timestamp.wholeSeconds(observation.askedAt)
        return observation
      }
    observations = remembered(observations)
    let duration = Date().timeIntervalSince(started)
    for observation in observations {
      if let failure = observation.failure {
        logger.info(
          "no usable answer: \(failure.message)",
          metadata: [
            "appliance": "\(observation.name)", "url": "\(observation.endpoint)",
            "reason": "\(failure.kind.rawValue)",
          ])
      }
    }
    let snapshot = Snapshot(
      generator: Release.generator,
      collectedAt: Timestamp.wholeSeconds(started),
      durationMilliseconds: Int((duration * 1000).rounded()),
      inventoryDigest: Publisher.hex(Array(inventoryBytes)), appliances: observations,
      judging: inventory.judging.isDefault ? nil : inventory.judging)
    return publish(snapshot, durationSeconds: duration)
  }

  /// `observations` with what each Kea appliance that cannot say which HA server it is said of
  /// itself in the previous run, read from the snapshot in the output folder; unchanged when
  /// none needs it or there is no usable previous snapshot (the first run, or a damaged file:
  /// the run goes on, and says so in the log).
  private func remembered(_ observations: [ApplianceObservation]) -> [ApplianceObservation] {
    guard RememberedIdentities.needed(by: observations) else { return observations }
    let path = URL(fileURLWithPath: output).appendingPathComponent("snapshot.json").path
    guard let data = FileManager.default.contents(atPath: path) else { return observations }
    do {
      let previous = try Snapshot.decoded(fromJSON: Array(data))
      return RememberedIdentities.apply(to: observations, previous: previous)
    } catch {
      logger.warning(
        "the previous snapshot cannot be read, so servers that cannot be asked are not recognised by what they said before: \(error)",
        metadata: ["path": "\(path)"])
      return observations
    }
  }

  /// Whether this run writes and sends the email: every run, or with `--mail-when changed`
  /// only when something changed since the previous archived run (or there was none), and
  /// with `--mail-daily` also on the day's first run at or after its time.
  private func emailDue(_ assessment: Assessment) -> Bool {
    if settings.mailWhen == .always { return true }
    if assessment.changedSincePreviousRun ?? true { return true }
    if let daily = settings.mailDaily,
      daily.isDue(now: assessment.assessedAt, previous: assessment.previousRunAt)
    {
      return true
    }
    logger.info("no email: nothing changed since the previous run")
    return false
  }

  /// Every place this run writes: the output folder and each side output.
  private var outputTargets: [OutputFolders.Target] {
    var targets = [OutputFolders.Target.folder(output, flag: "--output")]
    if let archive = settings.archive { targets.append(.folder(archive, flag: "--archive")) }
    if let json = settings.json { targets.append(.file(json, flag: "--json")) }
    if let metrics = settings.metrics { targets.append(.file(metrics, flag: "--metrics")) }
    if let email = settings.email { targets.append(.file(email, flag: "--email")) }
    if let share = settings.share { targets.append(.folder(share, flag: "--share")) }
    return targets
  }

  /// Assesses, renders, validates and publishes a snapshot; returns the exit code.
  public func publish(_ collected: Snapshot, durationSeconds: Double) -> Int32 {
    var stages = StageTimer(logger: logger)
    var annotated = collected
    if let path = settings.acknowledgements {
      // Kept in the snapshot, so the page rendered again from it judges the same.
      do {
        annotated.acknowledgements = try Acknowledgements.load(path: path)
      } catch {
        return fail(mistakes: error, then: "; nothing was published")
      }
    }
    let snapshot = annotated
    let assets: Assets
    let renderer: PageRenderer
    do {
      assets = try Assets.load(
        templatesFolder: settings.templates, publicFolder: settings.publicFolder)
      renderer = try PageRenderer(assets: assets, detailLimit: settings.detailLimit)
    } catch {
      return fail("\(error)")
    }
    // Every place the run writes is made ready first: a wrong path stops the run while the
    // page, the archive and the side outputs are all still as they were.
    var unusable = OutputFolders.prepare(outputTargets)
    var sendmail: Sendmail?
    if !settings.mailTo.isEmpty {
      do {
        sendmail = try Sendmail.locate(settings.sendmail)
      } catch {
        unusable.append("\(error)")
      }
    }
    var pseudonymizer: Pseudonymizer?
    if let keyFile = settings.shareKey {
      // Read once, before anything is published: a missing key stops the run unchanged.
      let key = FileManager.default.contents(atPath: keyFile).map(Array.init) ?? []
      if key.count >= Pseudonymizer.minimumKeyBytes {
        pseudonymizer = Pseudonymizer(key: key)
      } else {
        unusable.append(
          "--share-key \(keyFile): \(key.isEmpty ? "cannot be read" : "holds \(key.count) bytes"); the key must hold at least \(Pseudonymizer.minimumKeyBytes) secret bytes (head -c 32 /dev/urandom > \(keyFile))"
        )
      }
    }
    if !unusable.isEmpty {
      for problem in unusable { logger.error("\(problem)") }
      return fail(
        unusable.joined(separator: "; ") + "; nothing was published, written or sent")
    }
    var history = History.empty
    if let archive = settings.archive {
      let (rebuilt, skipped) = Archive(folder: archive).history(before: snapshot.collectedAt)
      for file in skipped {
        logger.warning(
          "an archived file cannot be used; history skips it",
          metadata: ["file": "\(archive)/\(file.path)", "reason": "\(file.reason)"])
      }
      history = rebuilt
      stages.lap("history read", ["runs": "\(history.runs.count)"])
    }
    // The snapshot's JSON, and its escaped copy for the page, do not depend on the
    // assessment: made beside it, where the assessment leaves a core idle.
    let (assessment, embedded) = concurrently(
      { [history] in Assessor.assess(snapshot, history: history) },
      { EmbeddedSnapshot(json: snapshot.encodedJSON()) })
    let snapshotBytes = embedded.json
    // An entry that matches nothing is a typo until shown otherwise: said on stderr, which
    // cron mails, as well as on the page and in the status line.
    for sentence in assessment.unusedAcknowledgements { logger.warning("\(sentence)") }
    stages.lap(
      "assessed and encoded",
      ["relationships": "\(assessment.relationships.count)"])
    let publisher = Publisher(folder: output)
    let lock: PublishLock
    do {
      try publisher.prepare()
      lock = try PublishLock(folder: output, timeout: settings.lockTimeoutSeconds)
    } catch {
      return fail("\(error)")
    }
    publisher.removeLeftovers()
    stages.lap("locked", ["folder": "\(output)"])
    defer { withExtendedLifetime(lock) {} }
    let validator = PageValidator(schema: assets.templates["schema.rng"])
    // While the page is rendered, libxml2 validates what is rendered so far, and the files are
    // written, flushed and hashed, each on a thread of its own; they go in place only if the
    // page passes.
    let stream = ByteStream()
    let validation = DedicatedThread(name: "validate") { validator.validate(stream) }
    let staging = DedicatedThread(name: "stage") {
      Result { try publisher.stage(page: stream, snapshot: snapshotBytes) }
    }
    do {
      try renderer.render(assessment, embedding: embedded, to: stream)
    } catch {
      _ = validation.wait()
      (try? staging.wait().get())?.discard()
      return fail("cannot render the page: \(error)")
    }
    stages.lap("rendered", ["snapshot-bytes": "\(snapshotBytes.count)"])
    let problems = validation.wait()
    let staged = staging.wait()
    // The page as one buffer, only for what needs it whole (a rejected page, the email's
    // attachment, the archive).
    let page = { stream.joined() ?? [] }
    stages.lap("validated and staged", ["problems": "\(problems.count)"])
    var committed = false
    // Whatever stops the run before the files go in place removes them.
    defer { if !committed { (try? staged.get())?.discard() } }
    if !problems.isEmpty {
      for problem in problems.prefix(20) {
        logger.error(
          "the page failed validation: index.html:\(problem.line):\(problem.column): \(problem.message)"
        )
      }
      try? publisher.reject(page: page())
      return fail(
        "the page failed validation (\(problems.count) problems); the published page was kept and the new one written to \(output)/index.html.rejected"
      )
    }
    var emailMessage: String?
    if settings.email != nil || !settings.mailTo.isEmpty, emailDue(assessment) {
      // The email's HTML passes the same gate as the page, before anything is published.
      // A page past the attachment limit is named, not attached: a message of a hundred
      // megabytes never reaches a mailbox.
      let pageBytes = stream.byteCount
      let limit = settings.attachmentLimitMegabytes * 1_000_000
      let note: EmailPage =
        pageBytes <= limit
        ? .attached(name: EmailMessage.attachmentName)
        : .withheld(
          bytes: pageBytes, limitBytes: limit,
          path: URL(fileURLWithPath: output).standardizedFileURL.appendingPathComponent(
            "index.html"
          ).path, digest: (try? staged.get().pageDigest) ?? "unknown")
      let html: [UInt8]
      do {
        html = try renderer.renderEmail(assessment, page: note)
      } catch {
        return fail("cannot render the email: \(error)")
      }
      let emailProblems = validator.validate(html, name: "email.html")
      if !emailProblems.isEmpty {
        for problem in emailProblems.prefix(20) {
          logger.error(
            "the email failed validation: email.html:\(problem.line):\(problem.column): \(problem.message)"
          )
        }
        return fail(
          "the email's HTML failed validation (\(emailProblems.count) problems); nothing was published or sent"
        )
      }
      emailMessage = EmailMessage.make(
        assessment, html: html, page: page, note: note, to: settings.mailTo,
        from: settings.mailFrom ?? EmailMessage.defaultSender)
    }
    do {
      try staged.get().commit()
      committed = true
    } catch {
      return fail("cannot publish: \(error)")
    }
    // The page is published: whatever fails now is said beside the verdict, never instead
    // of it, and the rest is still written.
    var notDone: [String] = []
    func attempt(_ what: String, _ work: () throws -> Void) {
      do {
        try work()
      } catch {
        logger.error("\(what) failed after the page was published: \(error)")
        notDone.append("\(what) failed (\(error))")
      }
    }
    if let json = settings.json {
      attempt("--json \(json)") { try AtomicFile.write(snapshotBytes, to: json) }
    }
    if let metrics = settings.metrics {
      attempt("--metrics \(metrics)") {
        try AtomicFile.write(
          Array(MetricsText.make(assessment, snapshot: snapshot).utf8), to: metrics)
      }
    }
    if let email = settings.email, let emailMessage {
      attempt("--email \(email)") { try AtomicFile.write(Array(emailMessage.utf8), to: email) }
    }
    if let archive = settings.archive {
      attempt("--archive \(archive)") {
        try writeArchive(
          Archive(folder: archive), page: page, snapshot: snapshotBytes, assessment: assessment,
          renderer: renderer)
      }
    }
    if let share = settings.share, let pseudonymizer {
      attempt("--share \(share)") {
        try publishSharedCopy(
          of: snapshot, to: share, pseudonymizer: pseudonymizer, renderer: renderer,
          validator: validator)
      }
    }
    if let sendmail, let emailMessage {
      attempt("sending the email") {
        try sendmail.send(emailMessage)
        logger.info("email sent", metadata: ["to": "\(settings.mailTo.joined(separator: ","))"])
      }
    }
    stages.lap("written")
    var status = ExitStatus(assessment)
    if !notDone.isEmpty { status = status.withUnfinishedWork }
    if let silence {
      if status == .ok { status = .warning }
      logger.warning(
        "no region has published for longer than any region may be late",
        metadata: [
          "newest": "\(Timestamp.iso(silence.newest))", "seconds": "\(silence.silenceSeconds)",
        ])
    }
    if printsStatusLine {
      say(
        StatusLine.make(
          assessment, status: status, durationSeconds: durationSeconds, silence: silence,
          notDone: notDone))
    }
    if settings.verbose {
      for line in TextSummary.lines(assessment) { say(line) }
    }
    logger.info(
      "published", metadata: ["page": "\(output)/index.html", "exit": "\(status.rawValue)"])
    return status.rawValue
  }

  /// The mistakes of a YAML file the job reads (the inventory, the acknowledgements): every
  /// one on stderr; stdout's one line names the first and counts the rest.
  private func fail(mistakes error: InventoryError, then: String = "") -> Int32 {
    let more = error.problems.count - 1
    if more > 0 { for problem in error.problems { logger.error("\(problem)") } }
    return fail(
      (error.problems.first.map(\.description) ?? "\(error)")
        + (more > 0 ? " (and \(Plural.count(more, "more mistake")), listed on stderr)" : "")
        + then)
  }

  private func fail(_ message: String) -> Int32 {
    say("FAILOVER UNKNOWN - \(message.split(separator: "\n").first.map(String.init) ?? message)")
    logger.error("\(message)")
    return ExitStatus.unknown.rawValue
  }
}
