import ArgumentParser
import Assessment
import Collectors
import Crypto
import Foundation
import Logging
import Parallelism
import Publishing
import Report
import Snapshot
import Validation

/// The pipeline `run`, `demo` and `render` share: snapshot → assessment → page → gate →
/// publish, then the status line and the exit code.
struct ReportJob {
  let output: String
  let options: OutputOptions
  let logger: Logger
  /// Whether the status line goes to stdout; off for `demo --regions`' regional jobs, so the
  /// one line printed is the merged page's.
  var printsStatusLine = true
  /// Set by `merge` when every region has been silent too long by the clock: the status line
  /// says so and the exit code is at least 1 (the page, a pure function of the snapshots, does
  /// not change).
  var silence: SilentRegions?

  /// Collects from the inventory and publishes; returns the exit code.
  func run(inventoryPath: String, collection: CollectionOptions, environment: [String: String])
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
    let settings = CollectionSettings(
      timeout: collection.timeout?.value ?? inventory.defaults.timeout,
      concurrency: collection.concurrency ?? inventory.defaults.concurrency,
      deadline: collection.deadline.value,
      maximumResponseBytes: inventory.defaults.maximumResponseBytes)
    let started = Date()
    logger.info("collecting", metadata: ["appliances": "\(inventory.appliances.count)"])
    // The snapshot keeps times to the second (its JSON does), so a page rendered again from
    // snapshot.json shows the same ages as the page made now.
    let bar = ProgressBar.forStandardError()
    var progress: (@Sendable (Int, Int) -> Void)?
    if let bar { progress = { done, total in bar.update(done: done, total: total) } }
    let collected = await Gatherer(settings: settings, environment: environment)
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
      generator: FailoverReportCommand.generator,
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

  /// Archives the run, prunes old days, and writes the index pages of the months that changed
  /// and the archive's top index, each through the gate.
  private func writeArchive(
    _ store: Archive, page: () -> [UInt8], snapshot: [UInt8], assessment: Assessment,
    renderer: PageRenderer
  ) throws {
    let run = try store.store(
      page: page, snapshot: snapshot, summary: assessment.runSummary,
      severity: assessment.severity.rawValue, headline: assessment.headline,
      copyInterval: options.archiveInterval.whole)
    if !run.keptCopy {
      logger.info(
        "archived the run's summary only: nothing changed since the copy kept",
        metadata: ["copy": "\(run.page)"])
    }
    var changed = [run.month]
    if let days = options.keepDays {
      let (removed, months) = try store.prune(keepDays: days, now: assessment.assessedAt)
      if removed > 0 {
        logger.info("archive pruned", metadata: ["days": "\(removed)", "keep-days": "\(days)"])
      }
      changed += months
    }
    let generator = FailoverReportCommand.generator
    func listed(_ run: Archive.Run, under prefix: String) -> ArchivedRun {
      ArchivedRun(
        iso: run.time, severity: run.severity, headline: run.headline,
        page: String(run.page.dropFirst(prefix.count)),
        snapshot: String(run.snapshot.dropFirst(prefix.count)),
        copyOf: run.keptCopy ? nil : Archive.Run.time(ofCopy: run.page))
    }
    // The months whose pages are written now; the newest one's runs also head the top index.
    var listedRuns: [String: [Archive.Run]] = [:]
    for month in Set(changed).sorted() {
      let runs = store.runs(in: month)
      listedRuns[month] = runs
      let path = "\(store.folder)/\(month)/index.html"
      guard !runs.isEmpty else {
        try? FileManager.default.removeItem(atPath: path)
        continue
      }
      let monthPage = try renderer.renderArchiveMonth(
        month, runs: runs.map { listed($0, under: month + "/") }, generator: generator,
        keepDays: options.keepDays)
      try writeArchivePage(
        monthPage, to: path, name: "archive \(month)/index.html", renderer: renderer)
    }
    let months = store.months()
    var summaries: [ArchivedMonth] = []
    for month in months {
      let (count, latest) = store.tally(of: month)
      guard let latest else { continue }
      summaries.append(
        ArchivedMonth(name: month, runCount: count, latest: listed(latest, under: "")))
    }
    let newest =
      months.last.map { (listedRuns[$0] ?? store.runs(in: $0)).suffix(Self.latestRunsListed) }
      ?? []
    let index = try renderer.renderArchiveIndex(
      months: summaries, latest: newest.map { listed($0, under: "") }, generator: generator,
      keepDays: options.keepDays)
    try writeArchivePage(
      index, to: store.folder + "/index.html", name: "archive index.html", renderer: renderer)
  }

  /// How many of the newest runs the archive's top index lists itself.
  static let latestRunsListed = 24

  /// An archive page passes the gate, schema included (links to the files beside it
  /// allowed), or is not written.
  private func writeArchivePage(
    _ bytes: [UInt8], to path: String, name: String, renderer: PageRenderer
  ) throws {
    let problems = PageValidator(
      schema: renderer.assets.templates["schema.rng"], allowsRelativeLinks: true
    ).validate(bytes, name: name)
    guard problems.isEmpty else {
      throw PublishError.io(
        "\(name) failed validation (\(problems.first?.message ?? "")); it was not written", 0)
    }
    try AtomicFile.write(bytes, to: path)
  }

  /// Whether this run writes and sends the email: every run, or with `--mail-when changed`
  /// only when something changed since the previous archived run (or there was none), and
  /// with `--mail-daily` also on the day's first run at or after its time.
  private func emailDue(_ assessment: Assessment) -> Bool {
    if options.mailWhen == .always { return true }
    if assessment.changedSincePreviousRun ?? true { return true }
    if let daily = options.mailDaily,
      daily.isDue(now: assessment.assessedAt, previous: assessment.previousRunAt)
    {
      return true
    }
    logger.info("no email: nothing changed since the previous run")
    return false
  }

  /// The copy to share: the snapshot with every name and address a pseudonym, assessed
  /// without history (the archive holds the real names), rendered and put through the same
  /// gate as the page, then published in `folder` as the page is.
  private func publishSharedCopy(
    of snapshot: Snapshot, to folder: String, pseudonymizer: Pseudonymizer,
    renderer: PageRenderer, validator: PageValidator
  ) throws {
    let redacted = try pseudonymizer.redact(snapshot)
    let assessment = Assessor.assess(redacted)
    let page = try renderer.render(assessment, snapshot: redacted)
    let problems = validator.validate(page, name: "shared index.html")
    guard problems.isEmpty else {
      throw PublishError.incomplete(
        "the shared copy failed validation (\(problems.first?.message ?? "")); it was not published"
      )
    }
    try Publisher(folder: folder).publish(page: page, snapshot: redacted.encodedJSON())
    logger.info("published the shared copy", metadata: ["folder": "\(folder)"])
  }

  /// Every place this run writes: the output folder and each side output.
  private var outputTargets: [OutputFolders.Target] {
    var targets = [OutputFolders.Target.folder(output, flag: "--output")]
    if let archive = options.archive { targets.append(.folder(archive, flag: "--archive")) }
    if let json = options.json { targets.append(.file(json, flag: "--json")) }
    if let metrics = options.metrics { targets.append(.file(metrics, flag: "--metrics")) }
    if let email = options.email { targets.append(.file(email, flag: "--email")) }
    if let share = options.share { targets.append(.folder(share, flag: "--share")) }
    return targets
  }

  /// Assesses, renders, validates and publishes a snapshot; returns the exit code.
  func publish(_ collected: Snapshot, durationSeconds: Double) -> Int32 {
    var stages = StageTimer(logger: logger)
    var annotated = collected
    if let path = options.acknowledgements {
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
        templatesFolder: options.templates, publicFolder: options.publicFolder)
      renderer = try PageRenderer(assets: assets, detailLimit: options.detailLimit)
    } catch {
      return fail("\(error)")
    }
    // Every place the run writes is made ready first: a wrong path stops the run while the
    // page, the archive and the side outputs are all still as they were.
    var unusable = OutputFolders.prepare(outputTargets)
    var sendmail: Sendmail?
    if !options.mailTo.isEmpty {
      do {
        sendmail = try Sendmail.locate(options.sendmail)
      } catch {
        unusable.append("\(error)")
      }
    }
    var pseudonymizer: Pseudonymizer?
    if let keyFile = options.shareKey {
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
    if let archive = options.archive {
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
      lock = try PublishLock(folder: output, timeout: options.lockTimeout.value)
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
    if options.email != nil || !options.mailTo.isEmpty, emailDue(assessment) {
      // The email's HTML passes the same gate as the page, before anything is published.
      // A page past the attachment limit is named, not attached: a message of a hundred
      // megabytes never reaches a mailbox.
      let pageBytes = stream.byteCount
      let limit = options.attachmentLimit * 1_000_000
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
        assessment, html: html, page: page, note: note, to: options.mailTo,
        from: options.mailFrom ?? EmailMessage.defaultSender)
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
    if let json = options.json {
      attempt("--json \(json)") { try AtomicFile.write(snapshotBytes, to: json) }
    }
    if let metrics = options.metrics {
      attempt("--metrics \(metrics)") {
        try AtomicFile.write(
          Array(MetricsText.make(assessment, snapshot: snapshot).utf8), to: metrics)
      }
    }
    if let email = options.email, let emailMessage {
      attempt("--email \(email)") { try AtomicFile.write(Array(emailMessage.utf8), to: email) }
    }
    if let archive = options.archive {
      attempt("--archive \(archive)") {
        try writeArchive(
          Archive(folder: archive), page: page, snapshot: snapshotBytes, assessment: assessment,
          renderer: renderer)
      }
    }
    if let share = options.share, let pseudonymizer {
      attempt("--share \(share)") {
        try publishSharedCopy(
          of: snapshot, to: share, pseudonymizer: pseudonymizer, renderer: renderer,
          validator: validator)
      }
    }
    if let sendmail, let emailMessage {
      attempt("sending the email") {
        try sendmail.send(emailMessage)
        logger.info("email sent", metadata: ["to": "\(options.mailTo.joined(separator: ","))"])
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
      print(
        StatusLine.make(
          assessment, status: status, durationSeconds: durationSeconds, silence: silence,
          notDone: notDone))
    }
    if options.verbose {
      for line in TextSummary.lines(assessment) { print(line) }
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
    print("FAILOVER UNKNOWN - \(message.split(separator: "\n").first.map(String.init) ?? message)")
    logger.error("\(message)")
    return ExitStatus.unknown.rawValue
  }
}
