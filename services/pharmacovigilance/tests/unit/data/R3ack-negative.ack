<?xml version="1.0" encoding="UTF-8"?>
<!-- Made up for the tests, in the shape of FDA's R3ack-positive.ack: a batch of two ICSRs
     accepted with errors (AE); the first message accepted (CA), the second rejected (CR). -->
<MCCI_IN200101UV01 xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ITSVersion="XML_1.0">
	<id extension="ACK-2024-0042" root="2.16.840.1.113883.3.989.2.1.3.20"/>
	<!-- ACK.M.1: Acknowledgement Batch Number -->
	<creationTime value="20240106093000+0530"/>
	<!-- ACK.M.4: Acknowledgement Date of Batch Transmission -->
	<responseModeCode code="D"/>
	<interactionId extension="MCCI_IN200101UV01" root="2.16.840.1.113883.1.6"/>
	<!-- Ack Message #1 -->
	<MCCI_IN000002UV01>
		<id extension="PVPI-2024-000731" root="2.16.840.1.113883.3.989.2.1.3.19"/>
		<!-- ACK.B.r.2: Local Report Number -->
		<creationTime value="20240106093000+0530"/>
		<interactionId extension="MCCI_IN000002UV01" root="2.16.840.1.113883.1.6"/>
		<processingCode code="P"/>
		<processingModeCode code="T"/>
		<acceptAckCode code="NE"/>
		<receiver typeCode="RCV">
			<device classCode="DEV" determinerCode="INSTANCE">
				<id extension="PATIENTS-UNION" root="2.16.840.1.113883.3.989.2.1.3.16"/>
			</device>
		</receiver>
		<sender typeCode="SND">
			<device classCode="DEV" determinerCode="INSTANCE">
				<id extension="PVPI" root="2.16.840.1.113883.3.989.2.1.3.15"/>
			</device>
		</sender>
		<attentionLine>
			<keyWordText code="1" codeSystem="2.16.840.1.113883.3.989.2.1.1.24" codeSystemVersion="1.0" displayName="dateOfIcsrMessageCreation"/>
			<value value="20240105103000+0530" xsi:type="TS"/>
		</attentionLine>
		<acknowledgement typeCode="CA">
			<!-- ACK.B.r.6: Acknowledgement Code for a ICSR Message -->
			<targetMessage>
				<id extension="IN-PU-000123-V1" root="2.16.840.1.113883.3.989.2.1.3.1"/>
				<!-- ACK.B.r.1: ICSR Message Number -->
			</targetMessage>
		</acknowledgement>
	</MCCI_IN000002UV01>
	<!-- Ack Message #2 -->
	<MCCI_IN000002UV01>
		<id nullFlavor="NI"/>
		<creationTime value="20240106093000+0530"/>
		<interactionId extension="MCCI_IN000002UV01" root="2.16.840.1.113883.1.6"/>
		<processingCode code="P"/>
		<processingModeCode code="T"/>
		<acceptAckCode code="NE"/>
		<receiver typeCode="RCV">
			<device classCode="DEV" determinerCode="INSTANCE">
				<id extension="PATIENTS-UNION" root="2.16.840.1.113883.3.989.2.1.3.16"/>
			</device>
		</receiver>
		<sender typeCode="SND">
			<device classCode="DEV" determinerCode="INSTANCE">
				<id extension="PVPI" root="2.16.840.1.113883.3.989.2.1.3.15"/>
			</device>
		</sender>
		<acknowledgement typeCode="CR">
			<targetMessage>
				<id extension="IN-PU-000124-V1" root="2.16.840.1.113883.3.989.2.1.3.1"/>
			</targetMessage>
			<acknowledgementDetail>
				<text>E.i.2.1b: MedDRA code of reaction 1 is missing</text>
				<!-- ACK.B.r.7: Error / Warning Message or Comment -->
			</acknowledgementDetail>
		</acknowledgement>
	</MCCI_IN000002UV01>
	<receiver typeCode="RCV">
		<device classCode="DEV" determinerCode="INSTANCE">
			<id extension="PATIENTS-UNION" root="2.16.840.1.113883.3.989.2.1.3.18"/>
			<!-- ACK.M.3: Acknowledgement Batch Receiver Identifier -->
		</device>
	</receiver>
	<sender typeCode="SND">
		<device classCode="DEV" determinerCode="INSTANCE">
			<id extension="PVPI" root="2.16.840.1.113883.3.989.2.1.3.17"/>
			<!-- ACK.M.2: Acknowledgement Batch Sender Identifier -->
		</device>
	</sender>
	<acknowledgement typeCode="AE">
		<!-- ACK.A.4: Transmission Acknowledgement Code -->
		<targetBatch>
			<id extension="IN-PU-BATCH-0007" root="2.16.840.1.113883.3.989.2.1.3.22"/>
			<!-- ACK.A.1: ICSR Batch Number -->
		</targetBatch>
		<acknowledgementDetail>
			<text>1 of 2 messages rejected</text>
			<!-- ACK.A.5: Batch Validation Error -->
		</acknowledgementDetail>
	</acknowledgement>
</MCCI_IN200101UV01>
