// Kafka error codes used by Strata, and the ONE mapping from the log's
// Status / ProducerError to them (docs/kafka-api.md lists the table).
#pragma once

#include <cstdint>

#include "base/status.h"
#include "log/partition.h"

namespace strata::kafka {

enum class ErrorCode : int16_t {
  kUnknownServerError = -1,
  kNone = 0,
  kOffsetOutOfRange = 1,
  kCorruptMessage = 2,
  kUnknownTopicOrPartition = 3,
  kLeaderNotAvailable = 5,
  kRequestTimedOut = 7,
  kMessageTooLarge = 10,
  kCoordinatorNotAvailable = 15,
  kNotCoordinator = 16,
  kInvalidTopicException = 17,
  kInvalidRequiredAcks = 21,
  kIllegalGeneration = 22,
  kInconsistentGroupProtocol = 23,
  kInvalidGroupId = 24,
  kUnknownMemberId = 25,
  kInvalidSessionTimeout = 26,
  kRebalanceInProgress = 27,
  kUnsupportedVersion = 35,
  kTopicAlreadyExists = 36,
  kInvalidPartitions = 37,
  kInvalidReplicationFactor = 38,
  kInvalidConfig = 40,
  kInvalidRequest = 42,
  kOutOfOrderSequenceNumber = 45,
  kInvalidProducerEpoch = 47,
  kTransactionalIdAuthorizationFailed = 53,
  kKafkaStorageError = 56,
  kUnknownProducerId = 59,
  kGroupIdNotFound = 69,
  kNonEmptyGroup = 68,
  kInvalidRecord = 87,
};

inline int16_t to_wire(ErrorCode c) { return static_cast<int16_t>(c); }

// The single table from log results to Kafka codes:
//   ok -> NONE; kCorruption -> CORRUPT_MESSAGE; kResourceExhausted ->
//   MESSAGE_TOO_LARGE; kOutOfRange -> OFFSET_OUT_OF_RANGE; kNotFound ->
//   UNKNOWN_TOPIC_OR_PARTITION; kAlreadyExists -> TOPIC_ALREADY_EXISTS;
//   kInvalidArgument -> INVALID_RECORD (or the ProducerError's code when set:
//   OUT_OF_ORDER_SEQUENCE_NUMBER, INVALID_PRODUCER_EPOCH, UNKNOWN_PRODUCER_ID);
//   kUnavailable / kIoError -> KAFKA_STORAGE_ERROR; kUnsupported ->
//   UNSUPPORTED_VERSION; else UNKNOWN_SERVER_ERROR.
ErrorCode error_code_for(const Status& status, log::ProducerError producer_error = log::ProducerError::kNone);

}  // namespace strata::kafka
