import { createHash } from "node:crypto";
import { ServiceError } from "../errors";
import { element, escapeXml, parseXml, type XmlElement } from "../protocols/xml";

/**
 * A bucket's notification configuration (Get/PutBucketNotificationConfiguration): SNS topic, SQS
 * queue and Lambda function destinations with their events and key filters, and EventBridge.
 * Shapes and wire names from the S3 model (NotificationConfiguration); rules from
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-filtering.html.
 */

/** Event, the enum of the S3 model. */
const EVENTS = [
  "s3:ReducedRedundancyLostObject", "s3:ObjectCreated:*", "s3:ObjectCreated:Put", "s3:ObjectCreated:Post", "s3:ObjectCreated:Copy",
  "s3:ObjectCreated:CompleteMultipartUpload", "s3:ObjectRemoved:*", "s3:ObjectRemoved:Delete", "s3:ObjectRemoved:DeleteMarkerCreated",
  "s3:ObjectRestore:*", "s3:ObjectRestore:Post", "s3:ObjectRestore:Completed", "s3:Replication:*", "s3:Replication:OperationFailedReplication",
  "s3:Replication:OperationNotTracked", "s3:Replication:OperationMissedThreshold", "s3:Replication:OperationReplicatedAfterThreshold",
  "s3:ObjectRestore:Delete", "s3:LifecycleTransition", "s3:IntelligentTiering", "s3:ObjectAcl:Put", "s3:LifecycleExpiration:*",
  "s3:LifecycleExpiration:Delete", "s3:LifecycleExpiration:DeleteMarkerCreated", "s3:ObjectTagging:*", "s3:ObjectTagging:Put", "s3:ObjectTagging:Delete",
];

/** The three kinds of destination, by their wire names: <TopicConfiguration><Topic>…, etc. */
const DESTINATIONS = [
  { element: "TopicConfiguration", arn: "Topic" },
  { element: "QueueConfiguration", arn: "Queue" },
  { element: "CloudFunctionConfiguration", arn: "CloudFunction" },
] as const;

export interface NotificationDestination {
  /** The configuration element: TopicConfiguration, QueueConfiguration or CloudFunctionConfiguration. */
  kind: (typeof DESTINATIONS)[number]["element"];
  Id: string;
  Arn: string;
  Events: string[];
  FilterRules: Array<{ Name: string; Value: string }>;
}

export interface NotificationConfiguration {
  destinations: NotificationDestination[];
  eventBridge: boolean;
}

const RULE_NAMES = { prefix: "Prefix", suffix: "Suffix" } as const;

const malformed = () => new ServiceError("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema");
const invalid = (message: string, name: string, value: string) => new ServiceError("InvalidArgument", message, { extra: { ArgumentName: name, ArgumentValue: value } });

const childrenNamed = (e: XmlElement, name: string) => e.children.filter((c) => c.name === name);
const textOf = (e: XmlElement, name: string) => childrenNamed(e, name)[0]?.text.trim();

/** `s3:ObjectCreated:*` covers `s3:ObjectCreated:Put`; two event lists share a type if any pair covers. */
function eventsShareType(a: readonly string[], b: readonly string[]): boolean {
  const covers = (x: string, y: string) => x === y || (x.endsWith(":*") && y.startsWith(x.slice(0, -1)));
  return a.some((x) => b.some((y) => covers(x, y) || covers(y, x)));
}

/** Key filters overlap when one's prefix starts the other's and one's suffix ends the other's (no filter overlaps all). */
function filtersOverlap(a: NotificationDestination, b: NotificationDestination): boolean {
  const rule = (d: NotificationDestination, name: string) => d.FilterRules.find((r) => r.Name === name)?.Value ?? "";
  const [pa, pb, sa, sb] = [rule(a, "Prefix"), rule(b, "Prefix"), rule(a, "Suffix"), rule(b, "Suffix")];
  return (pa.startsWith(pb) || pb.startsWith(pa)) && (sa.endsWith(sb) || sb.endsWith(sa));
}

/**
 * Read a PutBucketNotificationConfiguration body. Configurations without an Id get one, as S3
 * assigns them. Raises MalformedXML for a document outside the schema, InvalidArgument for an
 * unknown event, a filter rule other than one prefix and one suffix, or configurations that
 * overlap (a common event type and overlapping key filters).
 */
export function parseNotificationConfiguration(body: string, bucket: string): NotificationConfiguration {
  const root = parseXml(body);
  if (!root || root.name !== "NotificationConfiguration") throw malformed();
  const destinations: NotificationDestination[] = [];
  for (const child of root.children) {
    const kind = DESTINATIONS.find((d) => d.element === child.name);
    if (!kind) {
      if (child.name !== "EventBridgeConfiguration") throw malformed();
      continue;
    }
    const arn = textOf(child, kind.arn);
    const events = childrenNamed(child, "Event").map((e) => e.text.trim());
    if (!arn || events.length === 0) throw malformed();
    for (const event of events) if (!EVENTS.includes(event)) throw invalid("The event is not supported for notifications", "Event", event);
    const rules = childrenNamed(child, "Filter").flatMap((f) => childrenNamed(f, "S3Key")).flatMap((k) => childrenNamed(k, "FilterRule"));
    const FilterRules = rules.map((r) => {
      const name = textOf(r, "Name") ?? "";
      // S3 takes the name in any case and answers it capitalised, Prefix or Suffix, though the model's
      // FilterRuleName enum is lower case (aws/aws-sdk#389).
      const rule = RULE_NAMES[name.toLowerCase() as keyof typeof RULE_NAMES];
      if (!rule) throw invalid("filter rule name must be either prefix or suffix", "FilterRule", name);
      return { Name: rule, Value: r.children.find((c) => c.name === "Value")?.text ?? "" };
    });
    for (const r of FilterRules) {
      if (FilterRules.filter((x) => x.Name === r.Name).length > 1) throw invalid(`Cannot specify more than one ${r.Name.toLowerCase()} rule in a filter.`, "FilterRule", r.Name);
    }
    const Id = textOf(child, "Id") || createHash("sha256").update(`${bucket}|${destinations.length}|${arn}|${events.join(",")}`).digest("base64").slice(0, 48);
    destinations.push({ kind: kind.element, Id, Arn: arn, Events: events, FilterRules });
  }
  for (const [i, a] of destinations.entries()) {
    for (const b of destinations.slice(i + 1)) {
      if (eventsShareType(a.Events, b.Events) && filtersOverlap(a, b)) {
        throw invalid("Configurations overlap. Configurations on the same bucket cannot share a common event type.", "Event", a.Events.join(","));
      }
    }
  }
  return { destinations, eventBridge: childrenNamed(root, "EventBridgeConfiguration").length > 0 };
}

/** The GetBucketNotificationConfiguration document: destinations in S3's order, then EventBridge. */
export function notificationConfigurationXml(config: NotificationConfiguration | undefined, xmlns: string): string {
  const body = DESTINATIONS.flatMap((kind) =>
    (config?.destinations ?? [])
      .filter((d) => d.kind === kind.element)
      .map((d) => {
        const filter = d.FilterRules.length > 0 ? element("Filter", element("S3Key", d.FilterRules.map((r) => element("FilterRule", element("Name", r.Name) + element("Value", escapeXml(r.Value)))).join(""))) : "";
        return element(kind.element, element("Id", escapeXml(d.Id)) + element(kind.arn, escapeXml(d.Arn)) + d.Events.map((e) => element("Event", escapeXml(e))).join("") + filter);
      }),
  ).join("");
  return `<NotificationConfiguration xmlns="${xmlns}">${body}${config?.eventBridge ? "<EventBridgeConfiguration></EventBridgeConfiguration>" : ""}</NotificationConfiguration>`;
}
